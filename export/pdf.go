package export

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos
	_ "image/png"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"

	"topupcards/data"
)

// PDFLayout is where the voucher tiles go on a PDF page, in millimetres
// from the page's top-left corner. Pre-cut card stock is described by its
// published dimensions so that every tile lands on its card.
type PDFLayout struct {
	Name                  string // "grid-a4", "grid-letter", "cards-a4-10up", "cards-letter-10up"
	PageW, PageH          float64
	Across, Down          int
	TileW, TileH          float64
	MarginLeft, MarginTop float64
	GapX, GapY            float64
	// Outline draws each tile's edge as a light dashed line to cut along
	// (plain paper); pre-cut stock has none, as a line printed a little
	// off the die-cut edge would show.
	Outline bool
	// custom: the tiles are a template's size (which may be smaller than
	// the built-in tile's minimum).
	custom bool
}

// Built-in layout names.
const (
	LayoutGridA4          = "grid-a4"
	LayoutGridLetter      = "grid-letter"
	LayoutCardsA4         = "cards-a4-10up"
	LayoutCardsLetter     = "cards-letter-10up"
	gridMargin            = 10.0 // mm around a plain grid
	minPDFTileW           = 45.0 // mm: narrower tiles leave no room for text beside the QR code
	minPDFTileH           = 22.0
	mmPerPt               = 25.4 / 72
	defaultGridAcrossA4   = 3
	defaultGridDownA4     = 8
	defaultGridDownLetter = 7
)

// PerPage is how many tiles one page holds.
func (l PDFLayout) PerPage() int { return l.Across * l.Down }

// tileOrigin is the top-left corner of the i-th tile of a page (across
// first).
func (l PDFLayout) tileOrigin(i int) (x, y float64) {
	c, r := i%l.Across, i/l.Across
	return l.MarginLeft + float64(c)*(l.TileW+l.GapX), l.MarginTop + float64(r)*(l.TileH+l.GapY)
}

// TileBox is the i-th tile's rectangle on a page, in millimetres from the
// page's top-left corner (for tests and for a print shop's checks).
func (l PDFLayout) TileBox(i int) (x, y, w, h float64) {
	x, y = l.tileOrigin(i % l.PerPage())
	return x, y, l.TileW, l.TileH
}

// Pages is how many voucher pages n cards take (the totals page not
// counted).
func (l PDFLayout) Pages(n int64) int {
	per := int64(l.PerPage())
	return int((n + per - 1) / per)
}

func (l PDFLayout) check() error {
	if l.Across < 1 || l.Down < 1 {
		return data.NewError(data.ErrInvalid, "layout %s: tiles across and down must be at least 1", l.Name)
	}
	if !l.custom && (l.TileW < minPDFTileW || l.TileH < minPDFTileH) {
		return data.NewError(data.ErrInvalid, "layout %s: a tile of %.1f × %.1f mm is too small for a voucher (at least %.0f × %.0f mm); choose fewer tiles across or down",
			l.Name, l.TileW, l.TileH, minPDFTileW, minPDFTileH)
	}
	right := l.MarginLeft + float64(l.Across)*l.TileW + float64(l.Across-1)*l.GapX
	bottom := l.MarginTop + float64(l.Down)*l.TileH + float64(l.Down-1)*l.GapY
	if l.MarginLeft < 0 || l.MarginTop < 0 || right > l.PageW+0.001 || bottom > l.PageH+0.001 {
		return data.NewError(data.ErrInvalid, "layout %s: the tiles do not fit on a %.1f × %.1f mm page", l.Name, l.PageW, l.PageH)
	}
	return nil
}

// GridLayout is a plain grid of across × down tiles on paper, sized to
// fill the page inside 10 mm margins.
func GridLayout(paper Paper, across, down int) (PDFLayout, error) {
	w, h, _ := paper.size()
	name := LayoutGridA4
	if paper == PaperLetter {
		name = LayoutGridLetter
	}
	if across < 1 || across > MaxAcross || down < 1 || down > 20 {
		return PDFLayout{}, data.NewError(data.ErrInvalid, "layout %s: choose 1 to %d tiles across and 1 to 20 down", name, MaxAcross)
	}
	l := PDFLayout{
		Name: name, PageW: w, PageH: h, Across: across, Down: down,
		TileW:      (w - 2*gridMargin) / float64(across),
		TileH:      (h - 2*gridMargin) / float64(down),
		MarginLeft: gridMargin, MarginTop: gridMargin,
		Outline: true,
	}
	return l, l.check()
}

// PDFLayouts lists the built-in layouts: plain grids on A4 and Letter (3
// across), and 10-up business-card stock by its published dimensions:
//
//   - cards-a4-10up: 2 × 5 cards of 85 × 54 mm on A4, 15 mm side margins,
//     13.5 mm top margin, 10 mm between the columns, rows touching (the
//     layout of Avery C32011 / L7413-style 10-up sheets);
//   - cards-letter-10up: 2 × 5 cards of 3.5 × 2 in on Letter, 0.75 in side
//     margins, 0.5 in top margin, no gaps (Avery 8371 / 5371 style).
func PDFLayouts() []PDFLayout {
	a4, _ := GridLayout(PaperA4, defaultGridAcrossA4, defaultGridDownA4)
	letter, _ := GridLayout(PaperLetter, defaultGridAcrossA4, defaultGridDownLetter)
	const in = 25.4
	return []PDFLayout{
		a4, letter,
		{Name: LayoutCardsA4, PageW: 210, PageH: 297, Across: 2, Down: 5, TileW: 85, TileH: 54,
			MarginLeft: 15, MarginTop: 13.5, GapX: 10},
		{Name: LayoutCardsLetter, PageW: 8.5 * in, PageH: 11 * in, Across: 2, Down: 5, TileW: 3.5 * in, TileH: 2 * in,
			MarginLeft: 0.75 * in, MarginTop: 0.5 * in},
	}
}

// LayoutByName finds a built-in layout. For the plain grids, across and
// down (when not 0) choose the number of tiles; card stock has a fixed
// number, and across and down must then be 0 or that number.
func LayoutByName(name string, across, down int) (PDFLayout, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, l := range PDFLayouts() {
		if l.Name != name {
			continue
		}
		if l.Outline { // a plain grid
			paper := PaperA4
			if name == LayoutGridLetter {
				paper = PaperLetter
			}
			return GridLayout(paper, cmp.Or(across, l.Across), cmp.Or(down, l.Down))
		}
		if across != 0 && across != l.Across || down != 0 && down != l.Down {
			return PDFLayout{}, data.NewError(data.ErrInvalid, "layout %s is card stock with %d × %d cards; leave out --across and --down or choose a grid layout",
				name, l.Across, l.Down)
		}
		return l, nil
	}
	var names []string
	for _, l := range PDFLayouts() {
		names = append(names, l.Name)
	}
	return PDFLayout{}, data.NewError(data.ErrInvalid, "layout %q: use one of %s", name, strings.Join(names, ", "))
}

// PDFOptions say how to draw the voucher PDF.
type PDFOptions struct {
	Layout   PDFLayout
	CutMarks bool   // short lines outside the tile grid at every tile edge
	Logo     []byte // optional PNG or JPEG, drawn in each tile's top-left corner
	// Colours is an optional accent colour ("#RRGGBB") per face value
	// (data.Money.ToBound), drawn as a bar along the tile's left edge.
	Colours map[int64]string
	// Locale writes the control totals' amounts (the zero Locale:
	// data.Plain); the tiles come written (Tile).
	Locale data.Locale
	// Statuses are the status lines of the control totals (what was
	// printed, printed stamped void and left out); none: no such section.
	Statuses []StatusLine
	// Template draws the tiles from its elements (nil: the built-in tile);
	// the Layout's tiles must be its size. With back elements every page
	// of fronts is followed by a page of backs for long-edge duplex.
	Template *data.Template
	// DPI is the printer resolution barcodes are checked for (0: 300).
	DPI int
	// sketch: the designer's tile, drawn while the template may still be
	// incomplete (Validate is not asked).
	sketch bool
}

// PDFCards hands every card to be printed, in print order, with its tile
// to yield, and stops at (and returns) yield's first error. A Source's
// Each fits:
//
//	func(yield func(Tile, data.Card) error) error {
//		return src.Each(ctx, f, data.Sort{}, func(c data.Card) error { return yield(TileFor(c, tmpl), c) })
//	}
type PDFCards func(yield func(Tile, data.Card) error) error

// tileReprint reports whether t is printed again.
func tileReprint(t Tile) bool { return t.Reprint }

// WritePDF streams the vouchers of cards (one tile per card, in order) to
// w, then one or more pages of control totals: the number of cards and
// face value per amount and currency, and the serial ranges (first–last of
// each run of consecutive serials). Each page is written as soon as it is
// drawn; memory does not grow with the number of pages. It returns the
// number of pages. progress, when not nil, is told how many of total cards
// are done, from the calling goroutine.
//
// On an error (a character the font lacks, a cancelled ctx) what was
// written to w is not a complete PDF: write to a temporary file and
// remove it, as Export does.
func WritePDF(ctx context.Context, w io.Writer, cards PDFCards, total int64, opts PDFOptions, progress func(done, total int64)) (pages int, err error) {
	return writePDF(ctx, w, func(yield func(Tile, data.Card, bool) error) error {
		return cards(func(t Tile, c data.Card) error { return yield(t, c, tileReprint(t)) })
	}, total, opts, progress)
}

// writePDFFile writes j's voucher tiles and the control totals as a PDF.
func writePDFFile(ctx context.Context, w io.Writer, j *job) (int, error) {
	lay, err := j.opts.pdfLayout()
	if err != nil {
		return 0, err
	}
	cards := func(yield func(Tile, data.Card, bool) error) error {
		return j.eachTile(ctx, func(t Tile, c data.Card) error {
			j.printed = append(j.printed, c.ID)
			return yield(t, c, t.Reprint)
		})
	}
	pages, err := writePDF(ctx, w, cards, j.sel.Cards, j.opts.pdfOptions(lay, j.sel.StatusLines(j.format)), j.opts.Progress)
	if err == nil && int64(len(j.printed)) != j.sel.Cards {
		err = fmt.Errorf("the cards changed while the PDF was written: %d tiles for %d cards", len(j.printed), j.sel.Cards)
	}
	return pages, err
}

// pdfPlan is PDFOptions checked and made ready to draw with.
type pdfPlan struct {
	lay      PDFLayout
	fonts    [numFonts]*fontFile
	colours  map[int64]rgb
	logo     image.Image // nil: none
	cutMarks bool
	statuses []StatusLine
	locale   data.Locale
	tpl      *data.Template // nil: the built-in tile
	dpi      int
}

// A logo's limits: its file size, and its size in pixels as its header
// declares it. A PNG of a few kilobytes may declare 20000 × 20000 pixels
// (1.6 GB to decode): the header is read first, and such a file is refused
// before anything is decoded.
const (
	MaxLogoBytes  = 10 << 20
	MaxLogoPixels = 4096
)

// CheckLogo refuses a logo that is too large, or is no PNG or JPEG, from
// its length and header alone.
func CheckLogo(b []byte) error {
	if b == nil {
		return nil
	}
	if len(b) > MaxLogoBytes {
		return data.NewError(data.ErrInvalid, "logo: the file is larger than %d MB; use a smaller PNG or JPEG (a few hundred pixels wide is plenty)", MaxLogoBytes>>20)
	}
	cfg, kind, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (kind != "png" && kind != "jpeg") {
		return data.NewError(data.ErrInvalid, "logo: not a PNG or JPEG image; use a PNG or JPEG")
	}
	if cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return data.NewError(data.ErrInvalid, "logo: %d × %d pixels is larger than %d × %d; use a smaller image (a few hundred pixels wide is plenty)",
			cfg.Width, cfg.Height, MaxLogoPixels, MaxLogoPixels)
	}
	return nil
}

// maxLogoPixels is the longest side a logo keeps: about 500 dpi at the
// largest size a tile draws it.
const maxLogoPixels = 512

func (o PDFOptions) plan() (*pdfPlan, error) {
	if err := o.Layout.check(); err != nil {
		return nil, err
	}
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	p := &pdfPlan{lay: o.Layout, fonts: fs, cutMarks: o.CutMarks, colours: map[int64]rgb{}, statuses: o.Statuses, locale: o.Locale,
		tpl: o.Template, dpi: o.DPI}
	if t := o.Template; t != nil {
		if err := t.Validate(); err != nil && !o.sketch {
			return nil, err
		}
		if math.Abs(t.Tile.WidthMM-o.Layout.TileW) > 0.5 || math.Abs(t.Tile.HeightMM-o.Layout.TileH) > 0.5 {
			return nil, data.NewError(data.ErrInvalid, "template %q is %g × %g mm, but the layout's tiles are %.1f × %.1f mm; choose a grid layout or resize the template",
				t.Name, t.Tile.WidthMM, t.Tile.HeightMM, o.Layout.TileW, o.Layout.TileH)
		}
	}
	for minor, s := range o.Colours {
		c, err := parseColour(s)
		if err != nil {
			return nil, data.NewError(data.ErrInvalid, "colour %q for %s: write it as #RRGGBB, such as #1E88E5", s, data.FormatBound(minor))
		}
		p.colours[minor] = c
	}
	if len(o.Logo) > 0 {
		if err := CheckLogo(o.Logo); err != nil {
			return nil, err
		}
		img, _, err := image.Decode(bytes.NewReader(o.Logo))
		if err != nil {
			return nil, data.NewError(data.ErrInvalid, "logo: %v; use a PNG or JPEG image", err)
		}
		b := img.Bounds()
		if b.Dx() < 1 || b.Dy() < 1 {
			return nil, data.NewError(data.ErrInvalid, "logo: the image is empty")
		}
		if s := max(b.Dx(), b.Dy()); s > maxLogoPixels {
			w, h := max(1, b.Dx()*maxLogoPixels/s), max(1, b.Dy()*maxLogoPixels/s)
			small := image.NewNRGBA(image.Rect(0, 0, w, h))
			xdraw.CatmullRom.Scale(small, small.Bounds(), img, b, xdraw.Src, nil)
			img = small
		}
		p.logo = img
	}
	return p, nil
}

// rgb is a colour with components 0..1.
type rgb struct{ r, g, b float64 }

var (
	black    = rgb{0.08, 0.08, 0.08}
	grey     = rgb{0.38, 0.38, 0.38}
	lightish = rgb{0.72, 0.72, 0.72}
	red      = rgb{0.80, 0.07, 0.07}
	white    = rgb{1, 1, 1}
)

func parseColour(s string) (rgb, error) {
	s = strings.TrimSpace(s)
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, errors.New("not #RRGGBB")
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, err
	}
	return rgb{float64(v>>16) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255}, nil
}

// surface is what a page is drawn on: a PDF content stream or, for the
// preview, an image. Lengths are millimetres from the page's top-left
// corner, y down; font sizes are points; y of text is its baseline.
type surface interface {
	fill(c rgb, x, y, w, h float64)
	line(c rgb, width, x1, y1, x2, y2 float64)
	dashedRect(c rgb, width, dash, x, y, w, h float64)
	text(id fontID, size float64, c rgb, x, y float64, s string)
	qr(mods [][]bool, x, y, side float64)
	logo(x, y, w, h float64)
	// rects fills the rectangles (x, y, w, h) in colour c.
	rects(c rgb, rs ...[4]float64)
}

// pageTile is one tile to draw.
type pageTile struct {
	t       Tile
	face    int64 // data.Money.ToBound, the key of the accent colours
	reprint bool
	c       data.Card // a template's placeholders
}

// drawPage draws the tiles of one page (and the cut marks) on s: their
// fronts, or (back) their backs at the mirrored places.
func (p *pdfPlan) drawPage(s surface, gc *glyphCache, tiles []pageTile, back bool) error {
	if p.cutMarks && !back {
		p.drawCutMarks(s)
	}
	if p.tpl != nil {
		for i, pt := range tiles {
			x, y := p.lay.tileOrigin(i)
			if back {
				x, y = p.lay.backOrigin(i)
			}
			if err := p.drawTemplateTile(s, gc, x, y, pt, back); err != nil {
				return err
			}
		}
		return nil
	}
	for i, pt := range tiles {
		mods, err := QRModules(pt.t.QR)
		if err != nil {
			return err
		}
		x, y := p.lay.tileOrigin(i)
		p.drawTile(s, gc, x, y, pt, mods)
	}
	return nil
}

// drawCutMarks draws, outside the tile grid, a short line in line with
// every tile edge; none crosses a tile.
func (p *pdfPlan) drawCutMarks(s surface) {
	l := p.lay
	const off, length, width = 1.5, 5.0, 0.15
	var xs, ys []float64
	for c := range l.Across {
		x, _ := l.tileOrigin(c)
		xs = append(xs, x, x+l.TileW)
	}
	for r := range l.Down {
		_, y := l.tileOrigin(r * l.Across)
		ys = append(ys, y, y+l.TileH)
	}
	xs, ys = slices.Compact(xs), slices.Compact(ys)
	left, top := xs[0], ys[0]
	right, bottom := xs[len(xs)-1], ys[len(ys)-1]
	for _, x := range xs {
		s.line(black, width, x, max(0, top-off-length), x, max(0, top-off))
		s.line(black, width, x, min(l.PageH, bottom+off), x, min(l.PageH, bottom+off+length))
	}
	for _, y := range ys {
		s.line(black, width, max(0, left-off-length), y, max(0, left-off), y)
		s.line(black, width, min(l.PageW, right+off), y, min(l.PageW, right+off+length), y)
	}
}

// Nominal text sizes of a tile, in points; a small tile scales them down,
// and a line too long for the text column shrinks until it fits.
const (
	sizeCompany = 10.0
	sizeAmount  = 18.0
	sizePIN     = 13.0
	sizeSmall   = 7.5
	// ascent and descent (in em) of the lines' boxes: DejaVu's accented
	// capitals reach 0.93 em above the baseline.
	emAscent  = 0.93
	emDescent = 0.24
)

// drawTile draws one voucher with its top-left corner at (x, y):
//
//	┌─┬──────────────────────────────┬──────────┐
//	│a│ [logo] Company       REPRINT │          │
//	│c│ 8.00 USD                     │  QR code │
//	│c│ PIN 4524 2829 3854           │ (quiet   │
//	│e│ S/N 3-000000001              │  zone    │
//	│n│ Valid until 01/31/2027       │  inside) │
//	└─┴──────────────────────────────┴──────────┘
//
// The QR code's square includes its 4-module quiet zone: no text or line
// enters it.
func (p *pdfPlan) drawTile(s surface, gc *glyphCache, x, y float64, pt pageTile, mods [][]bool) {
	w, h := p.lay.TileW, p.lay.TileH
	t := pt.t
	if p.lay.Outline {
		s.dashedRect(lightish, 0.15, 1.5, x, y, w, h)
	}
	pad := clamp(min(w, h)*0.075, 2.5, 4)
	textX := x + pad
	if c, ok := p.colours[pt.face]; ok {
		bar := clamp(w*0.035, 2, 3)
		s.fill(c, x, y, bar, h)
		textX = x + bar + pad*0.75
	}
	q := min(h-1, w*0.45, 32)
	qx, qy := x+w-q-0.5, y+(h-q)/2
	s.qr(mods, qx, qy, q)
	textR := qx - 0.5
	tw := textR - textX
	tt := p.textRows(h, pad, tw, pt.reprint)
	tt.top += y
	p.drawText(s, gc, textX, tw, tt, pt)
	if t.Void != "" {
		drawStamp(s, gc, x, y, w, h, t.Void)
	}
}

// tileText is where the text rows of a tile go: sizes in points, heights
// in mm, the REPRINT band, the logo, the gap between rows and the top of
// the first row (from the tile's top).
type tileText struct {
	sizes, hs                      [5]float64
	scale, band, logoW, logoH, gap float64
	top                            float64
}

func lineH(size float64) float64 { return size * (emAscent + emDescent) * mmPerPt }

// textRows lays out the text rows of a tile h mm tall with a text column
// tw mm wide: the nominal sizes, scaled down evenly when they do not fit,
// and the room left shared out between the rows.
func (p *pdfPlan) textRows(h, pad, tw float64, reprint bool) tileText {
	tt := tileText{sizes: [5]float64{sizeCompany, sizeAmount, sizePIN, sizeSmall, sizeSmall}, scale: 1}
	if p.logo != nil {
		b := p.logo.Bounds()
		aspect := float64(b.Dx()) / float64(b.Dy())
		tt.logoH = clamp(h*0.16, 5, 9)
		tt.logoW = min(tt.logoH*aspect, tw*0.3)
		tt.logoH = tt.logoW / aspect
	}
	// A reprint gets a red band across the text column above the rest.
	gaps := 4.0
	if reprint {
		tt.band, gaps = lineH(sizeSmall)+1, 5
	}
	heights := func() (hs [5]float64, sum float64) {
		for i, sz := range tt.sizes {
			hs[i] = lineH(sz)
		}
		hs[0] = max(hs[0], tt.logoH)
		sum = tt.band
		for _, v := range hs {
			sum += v
		}
		return hs, sum
	}
	avail := h - 2*pad
	if _, need := heights(); need > avail {
		tt.scale = avail / need
	}
	for i := range tt.sizes {
		tt.sizes[i] *= tt.scale
	}
	tt.logoH, tt.logoW, tt.band = tt.logoH*tt.scale, tt.logoW*tt.scale, tt.band*tt.scale
	hs, need := heights()
	tt.hs = hs
	tt.gap = min((avail-need)/gaps, 3.5)
	tt.top = pad + (avail-need-gaps*tt.gap)/2
	return tt
}

// drawText draws a tile's text rows, laid out by tt, in the text column
// at textX, tw mm wide.
func (p *pdfPlan) drawText(s surface, gc *glyphCache, textX, tw float64, tt tileText, pt pageTile) {
	t := pt.t
	sizes, hs, gap := tt.sizes, tt.hs, tt.gap
	// fit shrinks size until s (in font id) is at most width wide.
	fit := func(id fontID, size, width float64, s string) float64 {
		if sw := gc.width(id, size, s); sw > width && sw > 0 {
			return size * width / sw
		}
		return size
	}
	baseline := func(rowTop, rowH, size float64) float64 {
		// the line's box centred in its row
		return rowTop + (rowH-lineH(size))/2 + size*emAscent*mmPerPt
	}

	rowTop := tt.top
	if pt.reprint {
		s.fill(red, textX, rowTop, tw, tt.band)
		rs := fit(fontBold, sizeSmall*tt.scale, tw-1.6, "REPRINT")
		s.text(fontBold, rs, white, textX+(tw-gc.width(fontBold, rs, "REPRINT"))/2, baseline(rowTop, tt.band, rs), "REPRINT")
		rowTop += tt.band + gap
	}

	// Row 0: logo and company.
	cx, cw := textX, tw
	if p.logo != nil {
		s.logo(textX, rowTop+(hs[0]-tt.logoH)/2, tt.logoW, tt.logoH)
		cx += tt.logoW + 1.5
		cw -= tt.logoW + 1.5
	}
	size := fit(fontBold, sizes[0], cw, t.Company)
	s.text(fontBold, size, black, cx, baseline(rowTop, hs[0], sizes[0]), t.Company)
	rowTop += hs[0] + gap

	// Row 1: amount.
	size = fit(fontBold, sizes[1], tw, t.Amount)
	s.text(fontBold, size, black, textX, baseline(rowTop, hs[1], sizes[1]), t.Amount)
	rowTop += hs[1] + gap

	// Row 2: PIN, the label small beside the number.
	pinSize, labelSize := sizes[2], sizes[2]*0.55
	labelW := gc.width(fontRegular, labelSize, "PIN") + 1.2
	if full := labelW + gc.width(fontMono, pinSize, t.PIN); full > tw {
		pinSize, labelSize, labelW = pinSize*tw/full, labelSize*tw/full, labelW*tw/full
	}
	b := baseline(rowTop, hs[2], sizes[2])
	s.text(fontRegular, labelSize, grey, textX, b, "PIN")
	s.text(fontMono, pinSize, black, textX+labelW, b, t.PIN)
	rowTop += hs[2] + gap

	// Rows 3 and 4: serial and expiry.
	serial := "S/N " + t.Serial
	size = fit(fontRegular, sizes[3], tw, serial)
	s.text(fontRegular, size, grey, textX, baseline(rowTop, hs[3], sizes[3]), serial)
	rowTop += hs[3] + gap
	size = fit(fontRegular, sizes[4], tw, t.ValidUntil)
	s.text(fontRegular, size, grey, textX, baseline(rowTop, hs[4], sizes[4]), t.ValidUntil)
}

// drawStamp marks a tile that must not be sold: two red lines from corner
// to corner across the whole tile (the QR code too) and a red band across
// its middle saying "VOID — DO NOT SELL" (or REDEEMED, EXPIRED).
func drawStamp(s surface, gc *glyphCache, x, y, w, h float64, word string) {
	lw := clamp(h*0.02, 0.5, 1.2)
	s.line(red, lw, x, y, x+w, y+h)
	s.line(red, lw, x, y+h, x+w, y)
	band := clamp(h*0.26, 6, 14)
	by := y + h*0.42 - band/2 // over the amount and the PIN; the serial stays legible
	s.fill(red, x, by, w, band)
	text := word + " — DO NOT SELL"
	size := band / mmPerPt * 0.55
	if tw := gc.width(fontBold, size, text); tw > w*0.92 {
		size *= w * 0.92 / tw
	}
	tx := x + (w-gc.width(fontBold, size, text))/2
	base := by + band/2 + size*mmPerPt*(emAscent-emDescent)/2
	s.text(fontBold, size, white, tx, base, text)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// checkTile reports the first character of t that cannot be printed.
func checkTile(gc *glyphCache, t Tile) error {
	for _, f := range []struct {
		id      fontID
		what, s string
	}{
		{fontBold, "the reseller name", t.Company},
		{fontBold, "the amount", t.Amount},
		{fontMono, "the PIN", t.PIN},
		{fontRegular, "the serial", t.Serial},
		{fontRegular, "the expiry", t.ValidUntil},
	} {
		if err := gc.check(f.id, f.what, f.s); err != nil {
			return err
		}
	}
	return nil
}

// pdfTotals is what the last page says: cards and face value per amount
// and currency, and the runs of consecutive serials.
type pdfTotals struct {
	cards  int64
	byKind map[data.Money]int64 // amount and currency -> cards
	runs   []serialRun
}

type serialRun struct {
	series      string
	first, last int64
}

func (t *pdfTotals) add(c data.Card) {
	t.cards++
	t.byKind[c.Amount]++
	if n := len(t.runs); n > 0 {
		r := &t.runs[n-1]
		if r.series == c.Serial.Series && r.last+1 == c.Serial.Number {
			r.last++
			return
		}
	}
	t.runs = append(t.runs, serialRun{c.Serial.Series, c.Serial.Number, c.Serial.Number})
}

// totalsLine is one line of the totals pages: up to three cells, the
// first left-aligned at column 0, the others right-aligned at theirs.
type totalsLine struct {
	bold  bool
	cells [3]string
}

func (t *pdfTotals) lines(lay PDFLayout, voucherPages int, statuses []StatusLine, l data.Locale) []totalsLine {
	plural := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + many
	}
	out := []totalsLine{
		{cells: [3]string{fmt.Sprintf("%s on %s, layout %s (%d × %d per page)", plural(t.cards, "card", "cards"),
			plural(int64(voucherPages), "voucher page", "voucher pages"), lay.Name, lay.Across, lay.Down)}},
		{},
		{bold: true, cells: [3]string{"Amount", "Cards", "Face value"}},
	}
	kinds := make([]data.Money, 0, len(t.byKind))
	for k := range t.byKind {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b data.Money) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.Minor, b.Minor))
	})
	for i, k := range kinds {
		n := t.byKind[k]
		out = append(out, totalsLine{cells: [3]string{l.Amount(k), strconv.FormatInt(n, 10), l.Amount(data.Money{Minor: k.Minor * n, Currency: k.Currency})}})
		if i == len(kinds)-1 || kinds[i+1].Currency != k.Currency {
			var cards, sum int64
			for _, o := range kinds {
				if o.Currency == k.Currency {
					cards += t.byKind[o]
					sum += o.Minor * t.byKind[o]
				}
			}
			out = append(out, totalsLine{bold: true, cells: [3]string{"Total " + k.Currency, strconv.FormatInt(cards, 10),
				l.Amount(data.Money{Minor: sum, Currency: k.Currency})}})
		}
	}
	out = append(out, statusTotalsLines(statuses, l)...)
	out = append(out, totalsLine{}, totalsLine{bold: true, cells: [3]string{"Serial range", "Cards"}})
	for _, r := range t.runs {
		s := data.FormatSerial(r.series, r.first)
		if r.last != r.first {
			s += " – " + data.FormatSerial(r.series, r.last)
		}
		out = append(out, totalsLine{cells: [3]string{s, strconv.FormatInt(r.last-r.first+1, 10)}})
	}
	return out
}

// statusTotalsLines say, per status and currency, how many of the cards the
// search matched were printed, printed stamped void or left out.
func statusTotalsLines(statuses []StatusLine, loc data.Locale) []totalsLine {
	if len(statuses) == 0 {
		return nil
	}
	out := []totalsLine{{}, {bold: true, cells: [3]string{"Cards the search matched, by status", "Cards", "Face value"}}}
	for _, l := range statuses {
		out = append(out, totalsLine{cells: [3]string{StatusWord(l.Status) + ": " + l.Fate, strconv.FormatInt(l.Cards, 10),
			loc.Amount(data.Money{Minor: l.Face, Currency: l.Currency})}})
	}
	return out
}

// drawTotals draws lines from the first on a totals page and returns how
// many it drew.
func drawTotals(s surface, gc *glyphCache, lay PDFLayout, lines []totalsLine, continued bool) int {
	const size, step, titleSize = 10.0, 5.5, 16.0
	x := max(lay.MarginLeft, 15)
	y := 20.0
	title := "Control totals"
	if continued {
		title += " (continued)"
	}
	s.text(fontBold, titleSize, black, x, y, title)
	y += 10
	cols := [3]float64{x, x + 110, x + 165}
	n := 0
	for _, l := range lines {
		if y > lay.PageH-15 {
			break
		}
		id := fontRegular
		if l.bold {
			id = fontBold
		}
		for i, c := range l.cells {
			if c == "" {
				continue
			}
			if i == 0 {
				s.text(id, size, black, cols[0], y, c)
			} else {
				s.text(id, size, black, cols[i]-gc.width(id, size, c), y, c)
			}
		}
		y += step
		n++
	}
	return n
}

// writePDF is WritePDF with the reprint mark given beside each card.
func writePDF(ctx context.Context, w io.Writer, cards func(yield func(Tile, data.Card, bool) error) error, total int64,
	opts PDFOptions, progress func(done, total int64)) (int, error) {
	plan, err := opts.plan()
	if err != nil {
		return 0, err
	}
	use := newGlyphUse()
	gc := newGlyphCache(plan.fonts, use)
	tot := &pdfTotals{byKind: map[data.Money]int64{}}
	tc := newTemplateChecker(plan)
	pipe := &pdfPipeline{plan: plan, use: use, w: w}
	per := plan.lay.PerPage()
	batch := make([]pageTile, 0, per)
	var done int64
	err = cards(func(t Tile, c data.Card, reprint bool) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := pipe.failed(); err != nil {
			return err
		}
		if err := checkTile(gc, t); err != nil {
			return fmt.Errorf("card %s: %w", c.Serial, err)
		}
		tot.add(c)
		if err := tc.check(c); err != nil {
			return err
		}
		batch = append(batch, pageTile{t: t, face: c.Amount.ToBound(), reprint: reprint, c: c})
		if len(batch) == per {
			pipe.submit(batch)
			batch = make([]pageTile, 0, per)
		}
		done++
		if progress != nil && done%500 == 0 {
			progress(done, total)
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		pipe.submit(batch)
	}
	perr := pipe.finish()
	if err == nil {
		err = perr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return 0, err
	}
	pipe.start() // no-op unless there were no cards
	doc := pipe.doc
	voucherPages := len(doc.pages)
	lines := tot.lines(plan.lay, voucherPages, plan.statuses, plan.locale)
	pg := newPDFPage(gc)
	for first := true; first || len(lines) > 0; first = false {
		pg.reset(plan.lay.PageH)
		lines = lines[drawTotals(pg, gc, plan.lay, lines, !first):]
		doc.addPage(pg.compress())
	}
	if err := doc.close(plan.fonts, use); err != nil {
		return 0, err
	}
	if progress != nil {
		progress(done, total)
	}
	return len(doc.pages), nil
}

// pdfPipeline draws pages on every processor and writes them in order.
// At most a few pages per processor are in flight, so memory stays flat.
// It starts (and writes the file's first byte) with the first page, so a
// card refused before then leaves w untouched.
type pdfPipeline struct {
	plan    *pdfPlan
	use     *glyphUse
	w       io.Writer
	doc     *pdfDoc
	jobs    chan pageJob
	order   chan chan pageResult
	wg      sync.WaitGroup
	written chan struct{}
	mu      sync.Mutex
	err     error
}

type pageJob struct {
	tiles []pageTile
	back  bool
	out   chan pageResult
}

type pageResult struct {
	zipped []byte
	err    error
}

func (p *pdfPipeline) start() {
	if p.doc != nil {
		return
	}
	p.doc = newPDFDoc(p.w, p.plan.lay.PageW, p.plan.lay.PageH)
	if p.plan.logo != nil {
		p.doc.addImage(p.plan.logo)
	}
	workers := runtime.GOMAXPROCS(0)
	p.jobs = make(chan pageJob, workers)
	p.order = make(chan chan pageResult, 2*workers)
	p.written = make(chan struct{})
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			gc := newGlyphCache(p.plan.fonts, p.use)
			pg := newPDFPage(gc)
			for j := range p.jobs {
				pg.reset(p.plan.lay.PageH)
				if err := p.plan.drawPage(pg, gc, j.tiles, j.back); err != nil {
					j.out <- pageResult{err: err}
					continue
				}
				j.out <- pageResult{zipped: pg.compress()}
			}
		}()
	}
	go func() {
		defer close(p.written)
		for out := range p.order {
			r := <-out
			if r.err != nil {
				p.fail(r.err)
			}
			if p.failed() == nil {
				p.doc.addPage(r.zipped)
				if p.doc.err != nil {
					p.fail(p.doc.err)
				}
			}
		}
	}()
}

// submit draws a page of tiles and, when the template has a back, the
// page of their backs after it.
func (p *pdfPipeline) submit(tiles []pageTile) {
	p.start()
	for _, back := range []bool{false, true} {
		if back && (p.plan.tpl == nil || len(p.plan.tpl.Back) == 0) {
			break
		}
		j := pageJob{tiles: tiles, back: back, out: make(chan pageResult, 1)}
		p.order <- j.out
		p.jobs <- j
	}
}

// finish waits for every page to be written.
func (p *pdfPipeline) finish() error {
	if p.doc == nil {
		return nil
	}
	close(p.jobs)
	close(p.order)
	p.wg.Wait()
	<-p.written
	return p.failed()
}

func (p *pdfPipeline) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
}

func (p *pdfPipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// pdfPage is a surface that writes a page's content stream. Its
// coordinate system is set to millimetres with y down, so the drawing
// code and the numbers in the stream are the same.
type pdfPage struct {
	b      []byte
	gc     *glyphCache
	fillC  rgb
	strokC rgb
	z      bytes.Buffer
	zw     *zlib.Writer
}

func newPDFPage(gc *glyphCache) *pdfPage {
	p := &pdfPage{gc: gc, b: make([]byte, 0, 64<<10)}
	p.zw, _ = zlib.NewWriterLevel(&p.z, zlib.BestSpeed)
	return p
}

func (p *pdfPage) reset(pageH float64) {
	p.b = p.b[:0]
	k := strconv.FormatFloat(72/25.4, 'f', -1, 64)
	p.b = fmt.Appendf(p.b, "%s 0 0 -%s 0 %s cm\n0 g 0 G\n", k, k, strconv.FormatFloat(mmToPt(pageH), 'f', -1, 64))
	p.fillC, p.strokC = rgb{}, rgb{}
}

// compress returns the page's content stream compressed, in a new slice.
func (p *pdfPage) compress() []byte {
	p.z.Reset()
	p.zw.Reset(&p.z)
	p.zw.Write(p.b)
	p.zw.Close()
	return bytes.Clone(p.z.Bytes())
}

func (p *pdfPage) nums(vs ...float64) {
	for _, v := range vs {
		p.b = appendNum(p.b, v)
		p.b = append(p.b, ' ')
	}
}

func (p *pdfPage) setFill(c rgb) {
	if c != p.fillC {
		p.nums(c.r, c.g, c.b)
		p.b = append(p.b, "rg\n"...)
		p.fillC = c
	}
}

func (p *pdfPage) setStroke(c rgb) {
	if c != p.strokC {
		p.nums(c.r, c.g, c.b)
		p.b = append(p.b, "RG\n"...)
		p.strokC = c
	}
}

func (p *pdfPage) fill(c rgb, x, y, w, h float64) {
	p.setFill(c)
	p.nums(x, y, w, h)
	p.b = append(p.b, "re f\n"...)
}

func (p *pdfPage) line(c rgb, width, x1, y1, x2, y2 float64) {
	p.setStroke(c)
	p.nums(width)
	p.b = append(p.b, "w "...)
	p.nums(x1, y1)
	p.b = append(p.b, "m "...)
	p.nums(x2, y2)
	p.b = append(p.b, "l S\n"...)
}

func (p *pdfPage) dashedRect(c rgb, width, dash, x, y, w, h float64) {
	p.setStroke(c)
	p.nums(width)
	p.b = append(p.b, "w ["...)
	p.nums(dash)
	p.b = append(p.b, "] 0 d "...)
	p.nums(x, y, w, h)
	p.b = append(p.b, "re S [] 0 d\n"...)
}

const hexDigits = "0123456789ABCDEF"

func (p *pdfPage) text(id fontID, size float64, c rgb, x, y float64, s string) {
	p.setFill(c)
	k := size * mmPerPt
	p.b = append(p.b, "BT /F"...)
	p.b = strconv.AppendInt(p.b, int64(id)+1, 10)
	p.b = append(p.b, " 1 Tf "...)
	p.nums(k, 0, 0, -k, x, y)
	p.b = append(p.b, "Tm <"...)
	for _, r := range s {
		g, _ := p.gc.lookup(id, r)
		p.b = append(p.b, hexDigits[g.id>>12], hexDigits[g.id>>8&15], hexDigits[g.id>>4&15], hexDigits[g.id&15])
	}
	p.b = append(p.b, "> Tj ET\n"...)
}

// qr draws the code as one path: a rectangle per horizontal run of dark
// modules, in module units, filled once.
func (p *pdfPage) qr(mods [][]bool, x, y, side float64) {
	m := side / float64(len(mods))
	p.b = append(p.b, "q "...)
	p.nums(m, 0, 0, m, x, y)
	p.b = append(p.b, "cm 0 g\n"...)
	qrRuns(mods, func(row, start, n int) {
		p.b = strconv.AppendInt(p.b, int64(start), 10)
		p.b = append(p.b, ' ')
		p.b = strconv.AppendInt(p.b, int64(row), 10)
		p.b = append(p.b, ' ')
		p.b = strconv.AppendInt(p.b, int64(n), 10)
		p.b = append(p.b, " 1 re\n"...)
	})
	p.b = append(p.b, "f Q\n"...) // Q restores the fill colour set before
}

// qrRuns calls fn for every horizontal run of dark modules: its row, first
// column and length. Both the PDF and the preview draw a code as these.
func qrRuns(mods [][]bool, fn func(row, start, n int)) {
	for r, row := range mods {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			fn(r, start, c-start)
		}
	}
}

func (p *pdfPage) rects(c rgb, rs ...[4]float64) {
	if len(rs) == 0 {
		return
	}
	p.setFill(c)
	for _, r := range rs {
		p.nums(r[0], r[1], r[2], r[3])
		p.b = append(p.b, "re\n"...)
	}
	p.b = append(p.b, "f\n"...)
}

func (p *pdfPage) logo(x, y, w, h float64) {
	p.b = append(p.b, "q "...)
	p.nums(w, 0, 0, -h, x, y+h)
	p.b = append(p.b, "cm /Im1 Do Q\n"...)
}
