package data

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Template describes one voucher tile: its size and the elements drawn on
// it, positioned in millimetres from the tile's top-left corner. Back holds
// the elements of the tile's back side (instructions, terms, a hotline)
// for duplex printing; none: a one-sided card. Templates travel as JSON
// files with exactly these field names.
type Template struct {
	Name     string    `json:"name"`
	Tile     TileSize  `json:"tile"`
	Elements []Element `json:"elements"`
	Back     []Element `json:"back,omitempty"`
}

// TileSize is a tile's size in millimetres.
type TileSize struct {
	WidthMM  float64 `json:"width_mm"`
	HeightMM float64 `json:"height_mm"`
}

// The kinds of element.
const (
	ElementText    = "text"
	ElementQR      = "qr"
	ElementBarcode = "barcode"
	ElementLogo    = "logo"
)

// The alignments of a text element.
const (
	AlignLeft   = "left"
	AlignCenter = "center"
	AlignRight  = "right"
)

// SymbologyCode128 is the barcode symbology every till scans.
const SymbologyCode128 = "code128"

// Element is one thing on a tile. Text: Text (with placeholders), SizePt,
// Bold, Mono, Align and Colour; qr and barcode: Content (a placeholder text
// such as "{pin}" or "https://example.com/r?p={pin}") and, for a barcode,
// Symbology; logo: the export's logo, fitted into the box.
type Element struct {
	Type      string  `json:"type"`
	XMM       float64 `json:"x_mm"`
	YMM       float64 `json:"y_mm"`
	WMM       float64 `json:"w_mm"`
	HMM       float64 `json:"h_mm"`
	Text      string  `json:"text,omitempty"`
	SizePt    float64 `json:"size_pt,omitempty"`
	Bold      bool    `json:"bold,omitempty"`
	Mono      bool    `json:"mono,omitempty"`
	Align     string  `json:"align,omitempty"`
	Colour    string  `json:"colour,omitempty"`
	Content   string  `json:"content,omitempty"`
	Symbology string  `json:"symbology,omitempty"`
}

// DefaultTemplateName is the built-in template: today's tile, laid out
// for whatever tile the layout has.
const DefaultTemplateName = "default"

// Limits of a template.
const (
	MaxTemplateElements = 60
	MaxTemplateText     = 1000
	MaxTemplateTileMM   = 300.0
	MinTemplateTileMM   = 20.0
	MaxTemplateJSON     = 256 << 10
)

// Placeholders are the names a template's texts may hold in braces, with
// what each stands for.
var Placeholders = []struct{ Name, Means string }{
	{"pin", "the PIN, as one number"},
	{"pin_grouped", "the PIN in groups of four"},
	{"serial", "the serial number"},
	{"amount", "the amount with its currency, as every list shows it"},
	{"currency", "the currency code"},
	{"expiry", "the expiry date, or \"No expiry\""},
	{"reseller", "the reseller (or \"" + NoResellerText + "\")"},
	{"batch", "the batch number"},
}

// NoResellerText is what {reseller} says on a card of no reseller.
const NoResellerText = "Prepaid top-up card"

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// UnknownPlaceholder returns the first {name} in s that is no placeholder,
// or "".
func UnknownPlaceholder(s string) string {
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !isPlaceholder(m[1]) {
			return m[0]
		}
	}
	return ""
}

func isPlaceholder(name string) bool {
	for _, p := range Placeholders {
		if p.Name == name {
			return true
		}
	}
	return false
}

// HasPIN reports whether s shows the PIN.
func HasPIN(s string) bool {
	return strings.Contains(s, "{pin}") || strings.Contains(s, "{pin_grouped}")
}

// PlaceholderValues are what the placeholders stand for on card c, with
// amounts and dates written in locale l (as the built-in tile writes them).
func PlaceholderValues(c Card, l Locale) *strings.Replacer {
	expiry := "No expiry"
	if !c.ExpiresAt.IsZero() {
		expiry = l.Expiry(c.ExpiresAt)
	}
	reseller := c.Reseller
	if reseller == "" {
		reseller = NoResellerText
	}
	return strings.NewReplacer(
		"{pin}", c.PIN,
		"{pin_grouped}", GroupPIN(c.PIN),
		"{serial}", c.Serial.String(),
		"{amount}", l.Amount(c.Amount),
		"{currency}", c.Amount.Currency,
		"{expiry}", expiry,
		"{reseller}", reseller,
		"{batch}", strconv.FormatInt(c.BatchID, 10),
	)
}

// ElementName names element i of a side for a message: "front element 3
// (text "PIN {pin_grouped}")".
func ElementName(back bool, i int, e Element) string {
	side := "front"
	if back {
		side = "back"
	}
	what := e.Text
	if e.Type != ElementText {
		what = e.Content
	}
	if r := []rune(what); len(r) > 30 {
		what = string(r[:30]) + "…"
	}
	if what == "" {
		return fmt.Sprintf("%s element %d (%s)", side, i+1, e.Type)
	}
	return fmt.Sprintf("%s element %d (%s %q)", side, i+1, e.Type, what)
}

// CheckTemplateName says whether name can name a template.
func CheckTemplateName(name string) error {
	if err := CheckText("template name", name); err != nil {
		return err
	}
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return errf(ErrInvalid, "template name is empty; give the template a name")
	case len([]rune(n)) > 60:
		return errf(ErrInvalid, "template name is longer than 60 characters; choose a shorter one")
	case n != name:
		return errf(ErrInvalid, "template name %q starts or ends with a space; remove it", name)
	case strings.EqualFold(n, DefaultTemplateName):
		return errf(ErrInvalid, "%q is the built-in template; choose another name", DefaultTemplateName)
	}
	return nil
}

// Validate checks the template's structure: a name, a tile size, known
// element types with boxes inside sane limits, and texts with known
// placeholders. Print safety (margins, code sizes, quiet zones) is the
// export's check, as it needs the fonts and the code sizes.
func (t Template) Validate() error {
	if err := CheckTemplateName(t.Name); err != nil {
		return err
	}
	w, h := t.Tile.WidthMM, t.Tile.HeightMM
	if !finite(w, h) || w < MinTemplateTileMM || h < MinTemplateTileMM || w > MaxTemplateTileMM || h > MaxTemplateTileMM {
		return errf(ErrInvalid, "template %q: a tile of %g × %g mm: give width_mm and height_mm between %g and %g",
			t.Name, w, h, MinTemplateTileMM, MaxTemplateTileMM)
	}
	if len(t.Elements) == 0 {
		return errf(ErrInvalid, "template %q has no elements; add at least the PIN", t.Name)
	}
	if n := len(t.Elements) + len(t.Back); n > MaxTemplateElements {
		return errf(ErrInvalid, "template %q has %d elements; at most %d fit on a card", t.Name, n, MaxTemplateElements)
	}
	pin := false
	for side, els := range [][]Element{t.Elements, t.Back} {
		for i, e := range els {
			if err := e.validate(side == 1, i); err != nil {
				return fmt.Errorf("template %q: %w", t.Name, err)
			}
			pin = pin || side == 0 && (HasPIN(e.Text) || HasPIN(e.Content))
		}
	}
	if !pin {
		return errf(ErrInvalid, "template %q shows no PIN on its front; add a text or QR element with {pin} or {pin_grouped}", t.Name)
	}
	return nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func (e Element) validate(back bool, i int) error {
	name := ElementName(back, i, e)
	if !finite(e.XMM, e.YMM, e.WMM, e.HMM, e.SizePt) || e.WMM <= 0 || e.HMM <= 0 || e.WMM > MaxTemplateTileMM || e.HMM > MaxTemplateTileMM {
		return errf(ErrInvalid, "%s: give w_mm and h_mm greater than 0", name)
	}
	switch e.Type {
	case ElementText:
		if strings.TrimSpace(e.Text) == "" {
			return errf(ErrInvalid, "%s has no text; type what it says, or remove it", name)
		}
		if len([]rune(e.Text)) > MaxTemplateText {
			return errf(ErrInvalid, "%s: the text is longer than %d characters; shorten it", name, MaxTemplateText)
		}
		if err := CheckText(name, strings.ReplaceAll(e.Text, "\n", " ")); err != nil {
			return err
		}
		if e.SizePt < 3 || e.SizePt > 96 {
			return errf(ErrInvalid, "%s: size_pt %g: give a size between 3 and 96 points", name, e.SizePt)
		}
		switch e.Align {
		case "", AlignLeft, AlignCenter, AlignRight:
		default:
			return errf(ErrInvalid, "%s: align %q: use left, center or right", name, e.Align)
		}
		if e.Colour != "" && !colourRE.MatchString(e.Colour) {
			return errf(ErrInvalid, "%s: colour %q: write it as #RRGGBB, such as #1565C0", name, e.Colour)
		}
		if p := UnknownPlaceholder(e.Text); p != "" {
			return errf(ErrInvalid, "%s: %s is no placeholder; use %s", name, p, placeholderList())
		}
	case ElementQR, ElementBarcode:
		if strings.TrimSpace(e.Content) == "" {
			return errf(ErrInvalid, "%s holds nothing; give its content, such as {pin}", name)
		}
		if len(e.Content) > 400 || strings.ContainsAny(e.Content, "\n\r\t") {
			return errf(ErrInvalid, "%s: the content must be one line of at most 400 characters", name)
		}
		if p := UnknownPlaceholder(e.Content); p != "" {
			return errf(ErrInvalid, "%s: %s is no placeholder; use %s", name, p, placeholderList())
		}
		if e.Type == ElementBarcode && e.Symbology != SymbologyCode128 && e.Symbology != "" {
			return errf(ErrInvalid, "%s: symbology %q: use %q", name, e.Symbology, SymbologyCode128)
		}
	case ElementLogo:
	default:
		return errf(ErrInvalid, "element %d of the %s: type %q: use text, qr, barcode or logo", i+1, map[bool]string{false: "front", true: "back"}[back], e.Type)
	}
	return nil
}

var colourRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

func placeholderList() string {
	var names []string
	for _, p := range Placeholders {
		names = append(names, "{"+p.Name+"}")
	}
	return strings.Join(names, ", ")
}

// ParseTemplate reads a template from its JSON, refusing unknown fields
// (a misspelt field would otherwise be dropped without a word), and
// validates it.
func ParseTemplate(r io.Reader) (Template, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxTemplateJSON+1))
	if err != nil {
		return Template{}, err
	}
	if len(b) > MaxTemplateJSON {
		return Template{}, errf(ErrInvalid, "template file is larger than %d KB; a template is a few kilobytes", MaxTemplateJSON>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return Template{}, errf(ErrInvalid, "template file is not a template: %v; compare it with `topupcards templates show default`", err)
	}
	if dec.More() {
		return Template{}, errf(ErrInvalid, "template file holds more than one JSON value; give one template a file")
	}
	for _, els := range [][]Element{t.Elements, t.Back} {
		for i := range els {
			if els[i].Type == ElementBarcode && els[i].Symbology == "" {
				els[i].Symbology = SymbologyCode128
			}
		}
	}
	return t, t.Validate()
}

// JSON writes the template as its file holds it, indented.
func (t Template) JSON() []byte {
	b, _ := json.MarshalIndent(t, "", "  ")
	return append(b, '\n')
}

// Clone returns a copy that shares no slices with t.
func (t Template) Clone() Template {
	t.Elements = append([]Element(nil), t.Elements...)
	if t.Back != nil {
		t.Back = append([]Element(nil), t.Back...)
	}
	return t
}

// StoredTemplateInfo is the list line of a stored template: its name, its
// body as stored (a body that no longer parses still lists, by name) and the
// resellers whose default it is, one per line ("" none). Both stores read
// those three columns and build the line here.
func StoredTemplateInfo(name, body, resellers string) TemplateInfo {
	info := TemplateInfo{Name: name}
	if t, err := ParseTemplate(strings.NewReader(body)); err == nil {
		info.Tile, info.Elements, info.Back = t.Tile, len(t.Elements), len(t.Back)
	}
	if resellers != "" {
		info.Resellers = strings.Split(resellers, "\n")
	}
	return info
}

// ErrNoTemplate says that no stored template is called name, and what to do.
func ErrNoTemplate(name string) error {
	return NewError(ErrNotFound, "no template named %q; see `topupcards templates list`, or import one", strings.TrimSpace(name))
}

// TemplateInfo is a stored template as a list shows it.
type TemplateInfo struct {
	Name      string
	Tile      TileSize
	Elements  int
	Back      int
	Resellers []string // whose default it is
}

// Templates keeps the voucher templates in the database, so that every
// desk that opens it shares them. Both backends have it (part of Store).
type Templates interface {
	// Templates lists the stored templates by name (not the built-in).
	Templates(ctx context.Context) ([]TemplateInfo, error)
	// Template reads a stored template by name (any case).
	Template(ctx context.Context, name string) (Template, error)
	// SaveTemplate validates and stores t; an existing name is replaced
	// only when replace (ErrDuplicate otherwise).
	SaveTemplate(ctx context.Context, t Template, replace bool) error
	// RemoveTemplate removes a template no reseller prints with; it is
	// kept until another takes its name.
	RemoveTemplate(ctx context.Context, name string) error
	// RestoreTemplate brings back a removed template.
	RestoreTemplate(ctx context.Context, name string) error
	// SetResellerTemplate makes template reseller's default ("" or
	// "default": the built-in tile).
	SetResellerTemplate(ctx context.Context, reseller, template string) error
	// ResellerTemplate is reseller's default template's name ("": the
	// built-in tile).
	ResellerTemplate(ctx context.Context, reseller string) (string, error)
}
