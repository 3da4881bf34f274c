package export

import (
	"testing"
	"time"

	"topupcards/data"
)

// BenchmarkTileDrawing draws a 10-up page of cards into a PDF content
// stream, compressed, with the built-in tile and with shopTemplate (ten
// elements, a QR code and a Code 128 barcode a tile; its back page too):
// what a template costs per card beside the built-in tile, measured in one
// run.
func BenchmarkTileDrawing(b *testing.B) {
	tpl := shopTemplate()
	lay, _ := LayoutByName(LayoutCardsA4, 0, 0)
	var tiles []pageTile
	for i := range lay.PerPage() {
		c := data.Card{ID: int64(i + 1), PIN: "48291573604" + string(rune('0'+i)), Serial: data.Serial{Series: "7", Number: int64(i + 1)},
			Amount: data.Money{Minor: 800, Currency: "USD"}, Reseller: "Ольга Telecom", BatchID: 1, ExpiresAt: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}
		tiles = append(tiles, pageTile{t: TileFor(c, "", data.Locale{}), face: c.Amount.ToBound(), c: c})
	}
	for _, tc := range []struct {
		name string
		tpl  *data.Template
	}{{"builtin", nil}, {"template", &tpl}} {
		b.Run(tc.name, func(b *testing.B) {
			plan, err := PDFOptions{Layout: lay, Template: tc.tpl}.plan()
			if err != nil {
				b.Fatal(err)
			}
			gc := newGlyphCache(plan.fonts, newGlyphUse())
			pg := newPDFPage(gc)
			sides := []bool{false}
			if tc.tpl != nil {
				sides = append(sides, true)
			}
			for b.Loop() {
				for _, back := range sides {
					pg.reset(lay.PageH)
					if err := plan.drawPage(pg, gc, tiles, back); err != nil {
						b.Fatal(err)
					}
					pg.compress()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(tiles))/1000, "µs/card")
		})
	}
}
