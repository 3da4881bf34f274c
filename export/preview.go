package export

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"topupcards/data"
)

// PreviewPage draws the first page of the PDF that WritePDF would write
// from the same cards and opts, widthPx pixels wide: the same geometry and
// fonts, drawn in pure Go for the Export dialog's preview. It reads only
// the first page's cards, and reports a character the font cannot print
// before anything is written.
func PreviewPage(cards PDFCards, opts PDFOptions, widthPx int) (image.Image, error) {
	plan, err := opts.plan()
	if err != nil {
		return nil, err
	}
	widthPx = max(widthPx, 50)
	gc := newGlyphCache(plan.fonts, nil)
	page := make([]pageTile, 0, plan.lay.PerPage())
	errFull := errors.New("page full")
	tc := newTemplateChecker(plan)
	err = cards(func(t Tile, c data.Card) error {
		if len(page) == cap(page) {
			return errFull
		}
		if err := tc.check(c); err != nil {
			return err
		}
		if err := checkTile(gc, t); err != nil {
			return fmt.Errorf("card %s: %w", c.Serial, err)
		}
		page = append(page, pageTile{t: t, face: c.Amount.ToBound(), reprint: tileReprint(t), c: c})
		return nil
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, err
	}
	return previewPage(plan, page, false, widthPx)
}

// previewPage draws one page of tiles (their fronts, or their backs)
// widthPx wide.
func previewPage(plan *pdfPlan, page []pageTile, back bool, widthPx int) (image.Image, error) {
	widthPx = max(widthPx, 50)
	gc := newGlyphCache(plan.fonts, nil)
	k := float64(widthPx) / plan.lay.PageW
	img := image.NewRGBA(image.Rect(0, 0, widthPx, int(plan.lay.PageH*k+0.5)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	s := &previewSurface{img: img, k: k, plan: plan, gc: gc, faces: map[faceKey]font.Face{}}
	defer s.close()
	if err := plan.drawPage(s, gc, page, back); err != nil {
		return nil, err
	}
	return img, nil
}

type faceKey struct {
	id   fontID
	size float64
}

// previewSurface draws on an image, k pixels a millimetre.
type previewSurface struct {
	img   *image.RGBA
	k     float64
	plan  *pdfPlan
	gc    *glyphCache
	faces map[faceKey]font.Face
	ras   vector.Rasterizer
}

func (s *previewSurface) close() {
	for _, f := range s.faces {
		f.Close()
	}
}

func (c rgb) rgba() color.RGBA {
	return color.RGBA{uint8(c.r*255 + 0.5), uint8(c.g*255 + 0.5), uint8(c.b*255 + 0.5), 0xff}
}

// rects fills the rectangles (x, y, w, h in mm) in one pass.
func (s *previewSurface) rects(c rgb, rs ...[4]float64) {
	b := s.img.Bounds()
	s.ras.Reset(b.Dx(), b.Dy())
	for _, r := range rs {
		x0, y0 := float32(r[0]*s.k), float32(r[1]*s.k)
		x1, y1 := float32((r[0]+r[2])*s.k), float32((r[1]+r[3])*s.k)
		s.ras.MoveTo(x0, y0)
		s.ras.LineTo(x1, y0)
		s.ras.LineTo(x1, y1)
		s.ras.LineTo(x0, y1)
		s.ras.ClosePath()
	}
	s.ras.Draw(s.img, b, image.NewUniform(c.rgba()), image.Point{})
}

func (s *previewSurface) fill(c rgb, x, y, w, h float64) { s.rects(c, [4]float64{x, y, w, h}) }

// line draws at least one pixel wide, so that thin lines show.
func (s *previewSurface) line(c rgb, width, x1, y1, x2, y2 float64) {
	width = max(width, 1/s.k)
	if x1 == x2 {
		s.rects(c, [4]float64{x1 - width/2, min(y1, y2), width, max(y1, y2) - min(y1, y2)})
	} else {
		s.rects(c, [4]float64{min(x1, x2), y1 - width/2, max(x1, x2) - min(x1, x2), width})
	}
}

func (s *previewSurface) dashedRect(c rgb, width, dash, x, y, w, h float64) {
	width = max(width, 1/s.k)
	var rs [][4]float64
	for d := 0.0; d < w; d += 2 * dash {
		l := min(dash, w-d)
		rs = append(rs, [4]float64{x + d, y - width/2, l, width}, [4]float64{x + d, y + h - width/2, l, width})
	}
	for d := 0.0; d < h; d += 2 * dash {
		l := min(dash, h-d)
		rs = append(rs, [4]float64{x - width/2, y + d, width, l}, [4]float64{x + w - width/2, y + d, width, l})
	}
	s.rects(c, rs...)
}

func (s *previewSurface) face(id fontID, size float64) font.Face {
	key := faceKey{id, size}
	if f, ok := s.faces[key]; ok {
		return f
	}
	f, err := opentype.NewFace(s.plan.fonts[id].sf, &opentype.FaceOptions{Size: size * mmPerPt * s.k, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	s.faces[key] = f
	return f
}

// text draws glyph by glyph, advancing by the same widths as the PDF.
func (s *previewSurface) text(id fontID, size float64, c rgb, x, y float64, str string) {
	f := s.face(id, size)
	if f == nil {
		return
	}
	src := image.NewUniform(c.rgba())
	for _, r := range str {
		dot := fixed.Point26_6{X: fixed.Int26_6(x * s.k * 64), Y: fixed.Int26_6(y * s.k * 64)}
		dr, mask, mp, _, ok := f.Glyph(dot, r)
		if ok {
			draw.DrawMask(s.img, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		g, _ := s.gc.lookup(id, r)
		x += g.adv * size / 1000 * mmPerPt
	}
}

func (s *previewSurface) qr(mods [][]bool, x, y, side float64) {
	m := side / float64(len(mods))
	var rs [][4]float64
	qrRuns(mods, func(row, start, n int) {
		rs = append(rs, [4]float64{x + float64(start)*m, y + float64(row)*m, float64(n) * m, m})
	})
	s.rects(rgb{}, rs...)
}

func (s *previewSurface) logo(x, y, w, h float64) {
	dst := image.Rect(int(x*s.k+0.5), int(y*s.k+0.5), int((x+w)*s.k+0.5), int((y+h)*s.k+0.5))
	xdraw.ApproxBiLinear.Scale(s.img, dst, s.plan.logo, s.plan.logo.Bounds(), xdraw.Over, nil)
}
