package export

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sync"
	"unicode"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/go-fonts/dejavu/dejavusansmonobold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"topupcards/data"
)

// fontID names one of the fonts the PDF voucher sheet uses.
type fontID int

// The fonts: DejaVu Sans (Latin, Greek, Cyrillic and more), its bold, and
// the bold monospaced cut for PINs, whose digits then line up.
const (
	fontRegular fontID = iota
	fontBold
	fontMono
	numFonts
)

// fontFile is one parsed TrueType font, shared read-only by every
// goroutine (each measures through its own glyphCache).
type fontFile struct {
	name      string // PostScript name
	ttf       []byte
	sf        *sfnt.Font
	upem      float64
	fixed     bool
	ascent    float64 // in 1/1000 em, as PDF font descriptors count
	descent   float64 // negative
	capHeight float64
	bbox      [4]float64
	zipOnce   sync.Once
	zipped    []byte // the font file, zlib-compressed once per process
}

var (
	fontsOnce sync.Once
	fonts     [numFonts]*fontFile
	fontsErr  error
)

// loadFonts parses the embedded fonts once per process.
func loadFonts() ([numFonts]*fontFile, error) {
	fontsOnce.Do(func() {
		for id, ttf := range [numFonts][]byte{dejavusans.TTF, dejavusansbold.TTF, dejavusansmonobold.TTF} {
			f, err := parseFont(ttf)
			if err != nil {
				fontsErr = fmt.Errorf("embedded font %d: %w", id, err)
				return
			}
			f.fixed = fontID(id) == fontMono
			fonts[id] = f
		}
	})
	return fonts, fontsErr
}

func parseFont(ttf []byte) (*fontFile, error) {
	sf, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	f := &fontFile{ttf: ttf, sf: sf, upem: float64(sf.UnitsPerEm())}
	if f.name, err = sf.Name(&buf, sfnt.NameIDPostScript); err != nil {
		return nil, err
	}
	ppem := fixed.Int26_6(sf.UnitsPerEm())
	k := 1000 / f.upem
	m, err := sf.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	bb, err := sf.Bounds(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	f.ascent, f.descent, f.capHeight = float64(m.Ascent)*k, -float64(m.Descent)*k, float64(m.CapHeight)*k
	f.bbox = [4]float64{float64(bb.Min.X) * k, -float64(bb.Max.Y) * k, float64(bb.Max.X) * k, -float64(bb.Min.Y) * k}
	return f, nil
}

// compressed returns the font file zlib-compressed, made once.
func (f *fontFile) compressed() []byte {
	f.zipOnce.Do(func() {
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		zw.Write(f.ttf)
		zw.Close()
		f.zipped = b.Bytes()
	})
	return f.zipped
}

// glyph is a glyph id and its advance in 1/1000 em.
type glyph struct {
	id  uint16
	adv float64
}

// glyphUse records, for one document, which glyphs its pages use and the
// character each stands for: the font's widths and ToUnicode map list
// exactly these. Safe for concurrent use.
type glyphUse struct {
	mu   sync.Mutex
	used [numFonts]map[uint16]glyphChar
}

type glyphChar struct {
	r   rune
	adv float64
}

func newGlyphUse() *glyphUse {
	u := &glyphUse{}
	for i := range u.used {
		u.used[i] = map[uint16]glyphChar{}
	}
	return u
}

func (u *glyphUse) add(id fontID, g glyph, r rune) {
	u.mu.Lock()
	if _, ok := u.used[id][g.id]; !ok {
		u.used[id][g.id] = glyphChar{r, g.adv}
	}
	u.mu.Unlock()
}

// glyphCache maps characters to glyphs for one goroutine (an sfnt.Buffer
// is not shared), reporting each new glyph to use (nil: nobody records).
type glyphCache struct {
	fonts [numFonts]*fontFile
	buf   sfnt.Buffer
	m     [numFonts]map[rune]glyph
	use   *glyphUse
}

func newGlyphCache(fs [numFonts]*fontFile, use *glyphUse) *glyphCache {
	c := &glyphCache{fonts: fs, use: use}
	for i := range c.m {
		c.m[i] = make(map[rune]glyph, 128)
	}
	return c
}

// lookup finds r's glyph in font id; ok is false when the font has none.
func (c *glyphCache) lookup(id fontID, r rune) (g glyph, ok bool) {
	if g, ok := c.m[id][r]; ok {
		return g, g.id != 0
	}
	f := c.fonts[id]
	gi, err := f.sf.GlyphIndex(&c.buf, r)
	if err == nil && gi != 0 {
		a, err := f.sf.GlyphAdvance(&c.buf, gi, fixed.Int26_6(f.sf.UnitsPerEm()), font.HintingNone)
		if err == nil {
			g = glyph{id: uint16(gi), adv: float64(a) * 1000 / f.upem}
		}
	}
	c.m[id][r] = g
	if g.id != 0 && c.use != nil {
		c.use.add(id, g, r)
	}
	return g, g.id != 0
}

// width is s's advance width in millimetres at size (points).
func (c *glyphCache) width(id fontID, size float64, s string) float64 {
	w := 0.0
	for _, r := range s {
		g, _ := c.lookup(id, r)
		w += g.adv
	}
	return w * size / 1000 * mmPerPt
}

// check reports the first character of s that font id cannot print, or
// that this writer cannot lay out (right-to-left scripts need shaping and
// reordering), as an error naming what (such as "the reseller name").
func (c *glyphCache) check(id fontID, what, s string) error {
	for _, r := range s {
		if r < 0x80 && r >= 0x20 {
			if _, ok := c.lookup(id, r); ok {
				continue
			}
		}
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return data.NewError(data.ErrInvalid, "the PDF cannot yet print right-to-left text such as %q in %s %q; write it in a left-to-right script or use the Excel export", string(r), what, s)
		}
		if _, ok := c.lookup(id, r); !ok {
			return data.NewError(data.ErrInvalid, "the font has no glyph for %s (U+%04X) in %s %q; change the name or use the Excel export", printable(r), r, what, s)
		}
	}
	return nil
}

// printable writes r so that an error message shows it even when it is
// invisible (a control character or a space of another kind).
func printable(r rune) string {
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
		return string(r)
	}
	return fmt.Sprintf("%q", r)
}
