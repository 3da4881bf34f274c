package export

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/png"
	"math"
	"slices"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/skip2/go-qrcode"

	"topupcards/data"
)

// A template's tile is drawn by drawTemplateTile from its elements; the
// built-in "default" is today's tile, drawn by drawTile (DefaultTemplate
// describes it as elements, as a starting point for a reseller's own).

// Print safety limits.
const (
	MinEdgeMM       = 2.0  // from every cut edge
	MinQRMM         = 15.0 // a QR code's side
	MinPINPt        = 8.0  // the PIN's text
	DefaultDPI      = 300  // the printer resolution a barcode is checked for
	minBarModuleMM  = 0.19 // the narrowest bar a common scanner reads
	qrQuietModules  = 4
	barQuietModules = 10
	reprintBandMM   = 1.9
)

// DefaultTemplate describes the built-in tile as elements for a tile of
// w × h mm: the reseller, the amount, the PIN, the serial and the expiry
// left, the QR code of the PIN right. "Save as" in the designer starts a
// reseller's own template from it.
func DefaultTemplate(w, h float64) data.Template {
	sx, sy := w/85, h/54
	k := min(sx, sy)
	q := min(h*0.55, w*0.38)
	qz := q * qrQuietModules / 21
	qx := w - MinEdgeMM - qz - q
	tw := qx - qz - 1 - 4*sx
	text := func(y, hh float64, s string, size float64, bold, mono bool, colour string) data.Element {
		return data.Element{Type: data.ElementText, XMM: r1(4 * sx), YMM: r1(y * sy), WMM: r1(tw), HMM: r1(hh * sy),
			Text: s, SizePt: r1(size * k), Bold: bold, Mono: mono, Colour: colour}
	}
	return data.Template{
		Name: data.DefaultTemplateName,
		Tile: data.TileSize{WidthMM: r1(w), HeightMM: r1(h)},
		Elements: []data.Element{
			text(4, 5.5, "{reseller}", 10, true, false, ""),
			text(10, 8.5, "{amount}", 18, true, false, ""),
			text(19.5, 3.5, "PIN", 6, false, false, "#616161"),
			text(23, 6, "{pin_grouped}", 12, false, true, ""),
			text(31, 4, "S/N {serial}", 7.5, false, false, "#616161"),
			text(36, 4, "Expiry {expiry}", 7.5, false, false, "#616161"),
			{Type: data.ElementQR, XMM: r1(qx), YMM: r1((h - q) / 2), WMM: r1(q), HMM: r1(q), Content: "{pin}"},
		},
	}
}

func r1(v float64) float64 { return math.Round(v*10) / 10 }

// TemplateProblem is one print-safety problem of a template: which element
// (Back, Index; Index -1 for the template itself) and the message, which
// names the element and says what to change.
type TemplateProblem struct {
	Back  bool
	Index int
	Msg   string
}

func (p TemplateProblem) Error() string { return p.Msg }

// rect is a box in mm.
type rect struct{ x, y, w, h float64 }

func (r rect) overlaps(o rect) bool {
	const eps = 1e-6
	return r.x < o.x+o.w-eps && o.x < r.x+r.w-eps && r.y < o.y+o.h-eps && o.y < r.y+r.h-eps
}

func elementRect(e data.Element) rect { return rect{e.XMM, e.YMM, e.WMM, e.HMM} }

// codeGeometry is where a code's dark modules go inside its element's box,
// and its quiet zone around them.
type codeGeometry struct {
	code  rect    // the modules
	quiet rect    // the code with its quiet zone
	mod   float64 // module size (QR) or width (bar), mm
	qr    [][]bool
	bars  []bool
}

// templateCode encodes element e's content for card values r.
func templateCode(e data.Element, r *strings.Replacer) (codeGeometry, error) {
	content := r.Replace(e.Content)
	var g codeGeometry
	switch e.Type {
	case data.ElementQR:
		q, err := qrcode.New(content, qrcode.Medium)
		if err != nil {
			return g, fmt.Errorf("its content %q does not fit a QR code; make it shorter", content)
		}
		q.DisableBorder = true
		g.qr = q.Bitmap()
		side := min(e.WMM, e.HMM)
		g.code = rect{e.XMM + (e.WMM-side)/2, e.YMM + (e.HMM-side)/2, side, side}
		g.mod = side / float64(len(g.qr))
		qz := g.mod * qrQuietModules
		g.quiet = rect{g.code.x - qz, g.code.y - qz, side + 2*qz, side + 2*qz}
	case data.ElementBarcode:
		bars, err := code128(content)
		if err != nil {
			return g, err
		}
		g.bars = bars
		g.code = elementRect(e)
		g.mod = e.WMM / float64(len(bars))
		qz := g.mod * barQuietModules
		g.quiet = rect{g.code.x - qz, g.code.y, g.code.w + 2*qz, g.code.h}
	}
	return g, nil
}

// code128 is content's Code 128 symbol as modules (true: a bar), with no
// quiet zone.
func code128(content string) ([]bool, error) {
	for _, r := range content {
		if r < 32 || r > 126 {
			return nil, fmt.Errorf("its content %q has %s, which Code 128 cannot hold; use letters, digits and ASCII signs only", content, printable(r))
		}
	}
	m, err := oned.NewCode128Writer().Encode(content, gozxing.BarcodeFormat_CODE_128, 0, 1,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		return nil, fmt.Errorf("its content %q cannot be a Code 128 barcode (1 to 80 characters); make it shorter", content)
	}
	bars := make([]bool, m.GetWidth())
	for x := range bars {
		bars[x] = m.Get(x, 0)
	}
	return bars, nil
}

// minBarMM is the narrowest bar that prints and scans at dpi: two printer
// dots, and never under minBarModuleMM.
func minBarMM(dpi int) float64 {
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	return max(minBarModuleMM, 2*25.4/float64(dpi))
}

// textLayout is a text element laid out: its lines and the size they
// print at (shrunk from SizePt until they fit the box).
type textLayout struct {
	lines []string
	size  float64
	id    fontID
}

func elementFont(e data.Element) fontID {
	switch {
	case e.Mono:
		return fontMono
	case e.Bold:
		return fontBold
	}
	return fontRegular
}

// layoutText wraps s into e's box at e.SizePt, shrinking the size until
// every line fits the width and the lines fit the height.
func layoutText(gc *glyphCache, e data.Element, s string) textLayout {
	id := elementFont(e)
	size := e.SizePt
	for range 60 {
		lines := wrapText(gc, id, size, e.WMM, s)
		fits := float64(len(lines))*lineH(size) <= e.HMM+1e-6
		for _, l := range lines {
			fits = fits && gc.width(id, size, l) <= e.WMM+1e-6
		}
		if fits || size <= 2 {
			return textLayout{lines: lines, size: size, id: id}
		}
		size *= 0.96
	}
	return textLayout{lines: wrapText(gc, id, size, e.WMM, s), size: size, id: id}
}

// wrapText breaks s at its line breaks and between words so that each
// line is at most width wide where it can be.
func wrapText(gc *glyphCache, id fontID, size, width float64, s string) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := words[0]
		for _, w := range words[1:] {
			if gc.width(id, size, line+" "+w) <= width {
				line += " " + w
				continue
			}
			out = append(out, line)
			line = w
		}
		out = append(out, line)
	}
	return out
}

// CheckTemplate checks template t for print safety with the values of card
// sample, for a printer of dpi dots per inch (0: DefaultDPI): every element
// inside the tile and at least 2 mm from its cut edges, nothing in a code's
// quiet zone, QR codes at least 15 mm, barcode bars wide enough to print,
// the PIN at least 8 pt, only known placeholders, only characters the
// fonts have, and a logo only where a logo is given (hasLogo). Every
// problem names its element and says what to change; none: nil.
func CheckTemplate(t data.Template, sample data.Card, dpi int, hasLogo bool) []TemplateProblem {
	fs, err := loadFonts()
	if err != nil {
		return []TemplateProblem{{Index: -1, Msg: err.Error()}}
	}
	gc := newGlyphCache(fs, nil)
	var out []TemplateProblem
	for side, els := range [][]data.Element{t.Elements, t.Back} {
		out = append(out, checkSide(gc, t, els, side == 1, data.PlaceholderValues(sample, data.Locale{}), dpi, hasLogo)...)
	}
	return out
}

// checkSide checks the elements of one side.
func checkSide(gc *glyphCache, t data.Template, els []data.Element, back bool, vals *strings.Replacer, dpi int, hasLogo bool) []TemplateProblem {
	var out []TemplateProblem
	W, H := t.Tile.WidthMM, t.Tile.HeightMM
	add := func(i int, format string, a ...any) {
		out = append(out, TemplateProblem{Back: back, Index: i, Msg: data.ElementName(back, i, els[i]) + ": " + fmt.Sprintf(format, a...)})
	}
	codes := map[int]codeGeometry{}
	for i, e := range els {
		r := elementRect(e)
		switch {
		case r.x < 0 || r.y < 0 || r.x+r.w > W+1e-6 || r.y+r.h > H+1e-6:
			add(i, "lies outside the %g × %g mm tile; move it inside (x_mm from %g to %g, y_mm from %g to %g)",
				W, H, MinEdgeMM, r1(max(MinEdgeMM, W-MinEdgeMM-r.w)), MinEdgeMM, r1(max(MinEdgeMM, H-MinEdgeMM-r.h)))
		case r.x < MinEdgeMM-1e-6 || r.y < MinEdgeMM-1e-6 || r.x+r.w > W-MinEdgeMM+1e-6 || r.y+r.h > H-MinEdgeMM+1e-6:
			add(i, "is %.1f mm from a cut edge; keep it at least %g mm from every edge (move it in or make it smaller)",
				max(0, min(r.x, r.y, W-r.x-r.w, H-r.y-r.h)), MinEdgeMM)
		}
		switch e.Type {
		case data.ElementText:
			if p := data.UnknownPlaceholder(e.Text); p != "" {
				add(i, "%s is no placeholder; use one of %s", p, placeholderNames())
				continue
			}
			s := vals.Replace(e.Text)
			if err := gc.check(elementFont(e), "the text", strings.ReplaceAll(s, "\n", " ")); err != nil {
				add(i, "%v", err)
				continue
			}
			if data.HasPIN(e.Text) {
				if l := layoutText(gc, e, s); l.size < MinPINPt-1e-6 {
					add(i, "prints the PIN at %.1f pt; the PIN needs at least %g pt: raise size_pt, or widen the box so it is not shrunk", l.size, MinPINPt)
				}
			}
		case data.ElementQR, data.ElementBarcode:
			if p := data.UnknownPlaceholder(e.Content); p != "" {
				add(i, "%s is no placeholder; use one of %s", p, placeholderNames())
				continue
			}
			g, err := templateCode(e, vals)
			if err != nil {
				add(i, "%v", err)
				continue
			}
			codes[i] = g
			if e.Type == data.ElementQR && g.code.w < MinQRMM-1e-6 {
				add(i, "is %.1f mm square; a QR code needs at least %g mm to scan: make w_mm and h_mm %g or more", g.code.w, MinQRMM, MinQRMM)
			}
			if e.Type == data.ElementBarcode {
				if m := minBarMM(dpi); g.mod < m-1e-9 {
					add(i, "has bars %.3f mm wide, narrower than the %.2f mm a %d dpi printer and a scanner need: make it at least %.1f mm wide (w_mm)",
						g.mod, m, cmp.Or(max(dpi, 0), DefaultDPI), math.Ceil(m*float64(len(g.bars))*10)/10)
				}
			}
			q := g.quiet
			if q.x < -1e-6 || q.y < -1e-6 || q.x+q.w > W+1e-6 || q.y+q.h > H+1e-6 {
				add(i, "has a quiet zone (%.1f mm of white around the code) that runs off the tile; move it in or make it smaller",
					g.mod*float64(map[bool]int{true: qrQuietModules, false: barQuietModules}[e.Type == data.ElementQR]))
			}
		case data.ElementLogo:
			if !hasLogo {
				add(i, "shows the logo, but no logo was given; choose a logo file (--logo), or remove the element")
			}
		}
	}
	for ci, g := range codes {
		for i, e := range els {
			if i == ci || !elementRect(e).overlaps(g.quiet) {
				continue
			}
			add(i, "overlaps the quiet zone of %s, the white a scanner needs around the code; move one of them apart",
				data.ElementName(back, ci, els[ci]))
		}
	}
	return out
}

func placeholderNames() string {
	var names []string
	for _, p := range data.Placeholders {
		names = append(names, "{"+p.Name+"}")
	}
	return strings.Join(names, ", ")
}

// TemplateError joins a template's problems into one error: the first
// problem, and how many more there are.
func TemplateError(name string, ps []TemplateProblem) error {
	if len(ps) == 0 {
		return nil
	}
	msg := fmt.Sprintf("template %q is not safe to print: %s", name, ps[0].Msg)
	if len(ps) > 1 {
		msg += fmt.Sprintf(" (and %d more problems: `topupcards templates show %s` lists them)", len(ps)-1, name)
	}
	return data.NewError(data.ErrInvalid, "%s", msg)
}

// drawTemplateTile draws one side of card pt's tile from the template's
// elements with its top-left corner at (x, y).
func (p *pdfPlan) drawTemplateTile(s surface, gc *glyphCache, x, y float64, pt pageTile, back bool) error {
	els := p.tpl.Elements
	if back {
		els = p.tpl.Back
	}
	if p.lay.Outline {
		s.dashedRect(lightish, 0.15, 1.5, x, y, p.lay.TileW, p.lay.TileH)
	}
	vals := data.PlaceholderValues(pt.c, p.locale)
	for i, e := range els {
		if err := p.drawElement(s, gc, x, y, e, vals); err != nil {
			return fmt.Errorf("card %s, %s: %w", pt.c.Serial, data.ElementName(back, i, e), err)
		}
	}
	if back {
		return nil
	}
	if pt.reprint {
		w := p.lay.TileW
		s.fill(red, x, y, w, reprintBandMM)
		size := reprintBandMM / mmPerPt * 0.75
		s.text(fontBold, size, white, x+(w-gc.width(fontBold, size, "REPRINT"))/2, y+reprintBandMM*0.78, "REPRINT")
	}
	if pt.t.Void != "" {
		drawStamp(s, gc, x, y, p.lay.TileW, p.lay.TileH, pt.t.Void)
	}
	return nil
}

// drawElement draws element e of a tile at (x, y).
func (p *pdfPlan) drawElement(s surface, gc *glyphCache, x, y float64, e data.Element, vals *strings.Replacer) error {
	switch e.Type {
	case data.ElementText:
		c := black
		if e.Colour != "" {
			c, _ = parseColour(e.Colour)
		}
		l := layoutText(gc, e, vals.Replace(e.Text))
		lh := lineH(l.size)
		top := y + e.YMM + (e.HMM-float64(len(l.lines))*lh)/2
		for i, line := range l.lines {
			lx := x + e.XMM
			switch e.Align {
			case data.AlignCenter:
				lx += (e.WMM - gc.width(l.id, l.size, line)) / 2
			case data.AlignRight:
				lx += e.WMM - gc.width(l.id, l.size, line)
			}
			s.text(l.id, l.size, c, lx, top+float64(i)*lh+l.size*emAscent*mmPerPt, line)
		}
	case data.ElementQR, data.ElementBarcode:
		g, err := templateCode(e, vals)
		if err != nil {
			return err
		}
		if g.qr != nil {
			s.qr(g.qr, x+g.code.x, y+g.code.y, g.code.w)
			return nil
		}
		var rs [][4]float64
		for i := 0; i < len(g.bars); {
			if !g.bars[i] {
				i++
				continue
			}
			j := i
			for j < len(g.bars) && g.bars[j] {
				j++
			}
			rs = append(rs, [4]float64{x + g.code.x + float64(i)*g.mod, y + g.code.y, float64(j-i) * g.mod, g.code.h})
			i = j
		}
		s.rects(black, rs...)
	case data.ElementLogo:
		if p.logo == nil { // the designer without a logo yet: its place
			s.rects(lightish, [4]float64{x + e.XMM, y + e.YMM, e.WMM, e.HMM})
			return nil
		}
		b := p.logo.Bounds()
		aspect := float64(b.Dx()) / float64(b.Dy())
		w, h := e.WMM, e.WMM/aspect
		if h > e.HMM {
			w, h = e.HMM*aspect, e.HMM
		}
		s.logo(x+e.XMM+(e.WMM-w)/2, y+e.YMM+(e.HMM-h)/2, w, h)
	}
	return nil
}

// templateLayout fits template t to layout lay: a grid takes tiles of the
// template's size (as many across and down as fit, or as asked); card
// stock must have tiles of the template's size.
func templateLayout(lay PDFLayout, t *data.Template, across, down int) (PDFLayout, error) {
	w, h := t.Tile.WidthMM, t.Tile.HeightMM
	if !lay.Outline {
		if math.Abs(lay.TileW-w) > 0.5 || math.Abs(lay.TileH-h) > 0.5 {
			return lay, data.NewError(data.ErrInvalid, "template %q is %g × %g mm, but layout %s has tiles of %.1f × %.1f mm; choose a grid layout or resize the template",
				t.Name, w, h, lay.Name, lay.TileW, lay.TileH)
		}
		lay.TileW, lay.TileH, lay.custom = w, h, true
		return lay, nil
	}
	fitA := int((lay.PageW - 2*gridMargin + 1e-6) / w)
	fitD := int((lay.PageH - 2*gridMargin + 1e-6) / h)
	if across == 0 {
		across = fitA
	}
	if down == 0 {
		down = fitD
	}
	if fitA < 1 || fitD < 1 || across > fitA || down > fitD {
		return lay, data.NewError(data.ErrInvalid, "template %q: %d × %d tiles of %g × %g mm do not fit on a %s page (at most %d × %d); choose fewer tiles",
			t.Name, max(across, 1), max(down, 1), w, h, lay.Name, fitA, fitD)
	}
	lay.Across, lay.Down, lay.TileW, lay.TileH, lay.custom = across, down, w, h, true
	lay.MarginLeft = (lay.PageW - float64(across)*w) / 2
	lay.MarginTop = (lay.PageH - float64(down)*h) / 2
	return lay, nil
}

// backOrigin is where the back of the i-th tile of a page goes on the back
// page: mirrored across the page's width, so that printed long-edge duplex
// it lands behind its front. On a symmetric layout the back of the tile
// in row r, column c is the tile in row r, column across−1−c.
func (l PDFLayout) backOrigin(i int) (x, y float64) {
	x, y = l.tileOrigin(i)
	return l.PageW - x - l.TileW, y
}

// BackTileBox is the rectangle of the back of the i-th tile of a page.
func (l PDFLayout) BackTileBox(i int) (x, y, w, h float64) {
	x, y = l.backOrigin(i % l.PerPage())
	return x, y, l.TileW, l.TileH
}

// PreviewTile draws one side of card c's tile under template t (nil: the
// built-in tile for a w × h tile), widthPx wide, with the same code that
// writes the PDF. The designer shows it.
func PreviewTile(t *data.Template, c data.Card, logo []byte, back bool, widthPx int) (image.Image, error) {
	if t == nil {
		return nil, data.NewError(data.ErrInvalid, "no template to draw")
	}
	w, h := t.Tile.WidthMM, t.Tile.HeightMM
	lay := PDFLayout{Name: "tile", PageW: w, PageH: h, Across: 1, Down: 1, TileW: w, TileH: h, custom: true}
	opts := PDFOptions{Layout: lay, Logo: logo, Template: t, sketch: true}
	plan, err := opts.plan()
	if err != nil {
		return nil, err
	}
	tile := pageTile{t: TileFor(c, "", data.Locale{}), face: c.Amount.ToBound(), c: c}
	return previewPage(plan, []pageTile{tile}, back, widthPx)
}

// templateChecker checks a template's print safety with the first card
// to be printed, and again with every card whose values differ in length
// from all checked so far (a longer PIN or serial may shrink the PIN's
// text, or widen a barcode's symbol), so a sheet is refused before its
// first byte rather than printed unreadable.
type templateChecker struct {
	plan *pdfPlan
	seen map[string]bool
}

func newTemplateChecker(p *pdfPlan) *templateChecker {
	return &templateChecker{plan: p, seen: map[string]bool{}}
}

func (tc *templateChecker) check(c data.Card) error {
	t := tc.plan.tpl
	if t == nil {
		return nil
	}
	key := fmt.Sprint(len(c.PIN), len(c.Serial.String()), len(tc.plan.locale.Amount(c.Amount)), len(c.Reseller), c.ExpiresAt.IsZero(), c.BatchID > 9999)
	if tc.seen[key] {
		return nil
	}
	tc.seen[key] = true
	if ps := CheckTemplate(*t, c, tc.plan.dpi, tc.plan.logo != nil); len(ps) > 0 {
		return TemplateError(t.Name, ps)
	}
	return nil
}

// cellTile makes tile t follow template tpl as far as a workbook's cells
// allow: its front's texts, with card c's values, become the tile's lines
// in their vertical order (top to bottom, then left to right), and its
// first QR code's content is the tile's QR code. Sizes, positions,
// colours, the barcode and the back stay PDF-only.
func cellTile(t *Tile, tpl *data.Template, c data.Card, l data.Locale) {
	vals := data.PlaceholderValues(c, l)
	els := slices.Clone(tpl.Elements)
	slices.SortStableFunc(els, func(a, b data.Element) int {
		return cmp.Or(cmp.Compare(a.YMM, b.YMM), cmp.Compare(a.XMM, b.XMM))
	})
	t.Lines = []string{}
	qr := ""
	for _, e := range els {
		switch e.Type {
		case data.ElementText:
			t.Lines = append(t.Lines, strings.Join(strings.Fields(vals.Replace(e.Text)), " "))
		case data.ElementQR:
			if qr == "" {
				qr = vals.Replace(e.Content)
			}
		}
	}
	if qr != "" {
		t.QR = qr
	}
	if b := templateBarcode(tpl); b != nil {
		t.Barcode = vals.Replace(b.Content)
	}
}

// templateBarcode is the template's first barcode on its front; nil: none.
func templateBarcode(tpl *data.Template) *data.Element {
	if tpl == nil {
		return nil
	}
	for i, e := range tpl.Elements {
		if e.Type == data.ElementBarcode {
			return &tpl.Elements[i]
		}
	}
	return nil
}

// Workbook barcodes: a picture under the QR code, as wide as the QR
// column, this tall; the QR code shrinks to make room.
const (
	workbookBarMM  = 6.0
	workbookBarGap = 1.5
)

// withBarcode makes room for a barcode under each tile's QR code.
func (l layout) withBarcode() layout {
	l.bar = workbookBarMM
	l.qr = math.Min(l.qr, l.tileH-4-l.bar-workbookBarGap)
	return l
}

func barGap(l layout) float64 {
	if l.bar == 0 {
		return 0
	}
	return workbookBarGap
}

// barcodePNG is content's Code 128 symbol with its quiet zones (10
// modules each side) as a grey PNG, 4 pixels a module, 60 pixels tall
// (the picture is stretched to its box).
func barcodePNG(content string) ([]byte, error) {
	bars, err := code128(content)
	if err != nil {
		return nil, fmt.Errorf("barcode of %q: %w", content, err)
	}
	const px, rows = 4, 60
	mods := len(bars) + 2*barQuietModules
	img := image.NewGray(image.Rect(0, 0, mods*px, rows))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for x, dark := range bars {
		if !dark {
			continue
		}
		for y := range rows {
			for p := range px {
				img.Pix[y*img.Stride+(barQuietModules+x)*px+p] = 0
			}
		}
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeBarAnchors writes each tile's barcode picture (image n+i+1) under
// its QR code, top mm below the tile's top, across the QR column.
func writeBarAnchors(bw *bufio.Writer, n int64, lay layout, top float64) {
	w, h := int64(lay.qrColW*emuPerMM), int64(lay.bar*emuPerMM)
	rowIn, rowOff := anchorRow(lay.heights, top)
	for i := int64(0); i < n; i++ {
		tr, tc := i/int64(lay.across), i%int64(lay.across)
		fmt.Fprintf(bw, `<xdr:oneCellAnchor><xdr:from><xdr:col>%d</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>%d</xdr:row><xdr:rowOff>%d</xdr:rowOff></xdr:from>`+
			`<xdr:ext cx="%d" cy="%d"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="%d" name="Barcode %d"/><xdr:cNvPicPr/></xdr:nvPicPr>`+
			`<xdr:blipFill><a:blip r:embed="rId%d"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>`+
			`<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>`+
			`<xdr:clientData fLocksWithSheet="1" fPrintsWithSheet="1"/></xdr:oneCellAnchor>`,
			2*tc+1, tr*rowsPerTile+int64(rowIn), rowOff, w, h, n+i+2, i+1, n+i+1, w, h)
	}
}

// templateRows puts a template's lines into a workbook tile's rows: the
// first four in the first four rows, the rest together in the fifth; the
// last row keeps the REPRINT or VOID mark.
func templateRows(lines []string, bottom string) [rowsPerTile]string {
	var rows [rowsPerTile]string
	for i, l := range lines {
		if i < rowsPerTile-2 {
			rows[i] = l
			continue
		}
		if rows[rowsPerTile-2] != "" {
			rows[rowsPerTile-2] += " · "
		}
		rows[rowsPerTile-2] += l
	}
	rows[rowsPerTile-1] = bottom
	return rows
}
