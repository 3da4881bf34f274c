package export

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"topupcards/data"
)

// shopTemplate is a reseller's card of 85 × 54 mm with every element kind
// and every placeholder on it, and a back with instructions and a
// barcode of the PIN.
func shopTemplate() data.Template {
	text := func(x, y, w, h float64, s string, size float64) data.Element {
		return data.Element{Type: data.ElementText, XMM: x, YMM: y, WMM: w, HMM: h, Text: s, SizePt: size}
	}
	pin := text(4, 16, 46, 6, "{pin_grouped}", 11)
	pin.Mono = true
	reseller := text(4, 3, 34, 5, "{reseller}", 10)
	reseller.Bold = true
	amount := text(4, 8.5, 46, 7, "{amount}", 16)
	amount.Bold, amount.Colour = true, "#1565C0"
	raw := text(4, 22, 46, 4, "{pin}", 8)
	raw.Align = data.AlignRight
	return data.Template{
		Name: "shop",
		Tile: data.TileSize{WidthMM: 85, HeightMM: 54},
		Elements: []data.Element{
			reseller, amount, pin, raw,
			text(4, 26.5, 46, 4, "{currency} batch {batch}", 7),
			text(4, 31, 46, 4, "S/N {serial}", 7),
			text(4, 36, 46, 4, "Valid {expiry}", 7),
			{Type: data.ElementLogo, XMM: 40, YMM: 3, WMM: 10, HMM: 5},
			{Type: data.ElementQR, XMM: 56.8, YMM: 16, WMM: 22, HMM: 22, Content: "{pin}"},
			{Type: data.ElementBarcode, XMM: 6, YMM: 44.5, WMM: 40, HMM: 7, Content: "{serial}", Symbology: data.SymbologyCode128},
		},
		Back: []data.Element{
			text(4, 4, 77, 24, "Top up: dial *123*{pin}# or scan the code.\nHotline 0800 123 456\nTerms: not refundable.", 8),
			{Type: data.ElementBarcode, XMM: 10, YMM: 34, WMM: 60, HMM: 12, Content: "{pin}", Symbology: data.SymbologyCode128},
		},
	}
}

// testLogo is a small opaque PNG.
func testLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{0x15, 0x65, 0xC0, 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zbarCodes decodes every QR code and Code 128 barcode in img:
// "QR-Code:…" and "CODE-128:…".
func zbarCodes(t *testing.T, img image.Image) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tile.png")
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "-q", "-Sdisable", "-Sqrcode.enable", "-Scode128.enable", path).Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 4) {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.Fields(string(out))
}

// boxText is the text pdftotext finds inside the box (mm) of page.
func boxText(t *testing.T, path string, page int, x, y, w, h float64) string {
	t.Helper()
	pt := func(mm float64) string { return strconv.Itoa(int(mm / mmPerPt)) }
	out, err := exec.Command("pdftotext", "-r", "72", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page),
		"-x", pt(x), "-y", pt(y), "-W", pt(w), "-H", pt(h), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func cropBox(img image.Image, dpi int, x, y, w, h float64) image.Image {
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(px(x), px(y), px(x+w), px(y+h)))
}

// TestTemplateEveryElementReadsBack writes the fixture's 23 cards with
// shopTemplate on 10-up card stock and reads every tile back: pdftotext
// finds every placeholder's value inside the tile's box, zbarimg decodes
// the QR code to the PIN and the Code 128 barcode to the serial; every
// front page is followed by its back page, where the back of front tile
// (row r, column c) is at (r, across−1−c) and its barcode decodes to that
// card's PIN.
func TestTemplateEveryElementReadsBack(t *testing.T) {
	needTools(t)
	s := pdfFixture(t)
	tpl := shopTemplate()
	path := filepath.Join(t.TempDir(), "shop.pdf")
	opts := Options{Paper: PaperA4, Layout: LayoutCardsA4, Template: &tpl, Logo: testLogo(t)}
	res, err := Export(context.Background(), s, data.Filter{}, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	cards := allCards(t, s, data.Filter{})
	lay, _ := LayoutByName(LayoutCardsA4, 0, 0)
	sheets := lay.Pages(int64(len(cards)))
	if want := 2*sheets + 1; res.Pages != want || pdfPages(t, path) != want {
		t.Fatalf("%d pages (pdfinfo %d), want %d: front and back of %d sheets and the totals", res.Pages, pdfPages(t, path), want, sheets)
	}
	const dpi = 300
	for sheet := range sheets {
		front := renderPage(t, path, 2*sheet+1, dpi)
		back := renderPage(t, path, 2*sheet+2, dpi)
		for i := range lay.PerPage() {
			n := sheet*lay.PerPage() + i
			if n >= len(cards) {
				break
			}
			c := cards[n]
			x, y, w, h := lay.TileBox(i)
			codes := zbarCodes(t, cropBox(front, dpi, x, y, w, h))
			want := []string{"CODE-128:" + c.Serial.String(), "QR-Code:" + c.PIN}
			if !sameSet(codes, want) {
				t.Errorf("sheet %d tile %d: codes %q, want %q", sheet+1, i, codes, want)
			}
			text := boxText(t, path, 2*sheet+1, x, y, w, h)
			vals := []string{c.Reseller, data.Locale{}.Amount(c.Amount), data.GroupPIN(c.PIN), c.PIN, c.Amount.Currency + " batch " + strconv.FormatInt(c.BatchID, 10),
				"S/N " + c.Serial.String()}
			if c.ExpiresAt.IsZero() {
				vals = append(vals, "Valid No expiry")
			} else {
				vals = append(vals, "Valid "+data.Locale{}.Expiry(c.ExpiresAt))
			}
			for _, v := range vals {
				if !strings.Contains(oneSpace(text), v) {
					t.Errorf("sheet %d tile %d (card %s): text lacks %q:\n%s", sheet+1, i, c.Serial, v, text)
				}
			}
			// The back: mirrored column, same row.
			r, col := i/lay.Across, i%lay.Across
			bx, by, _, _ := lay.BackTileBox(i)
			mx, my, _, _ := lay.TileBox(r*lay.Across + lay.Across - 1 - col)
			if bx != mx || by != my {
				t.Fatalf("back of tile (%d,%d) at %.2f,%.2f, want the tile (%d,%d) at %.2f,%.2f", r, col, bx, by, r, lay.Across-1-col, mx, my)
			}
			if got := zbarCodes(t, cropBox(back, dpi, bx, by, w, h)); !sameSet(got, []string{"CODE-128:" + c.PIN}) {
				t.Errorf("sheet %d back of tile %d: codes %q, want card %s's PIN", sheet+1, i, got, c.Serial)
			}
			if bt := oneSpace(boxText(t, path, 2*sheet+2, bx, by, w, h)); !strings.Contains(bt, "dial *123*"+c.PIN+"#") {
				t.Errorf("sheet %d back of tile %d: text lacks the PIN's dial code:\n%s", sheet+1, i, bt)
			}
		}
	}
}

func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, v := range a {
		m[v]++
	}
	for _, v := range b {
		m[v]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestBackTilesMirrorEveryLayout: on every built-in layout, and on a grid
// of template tiles, the back of tile (r, c) is at (r, across−1−c).
func TestBackTilesMirrorEveryLayout(t *testing.T) {
	tpl := shopTemplate()
	lays := PDFLayouts()
	grid, err := Options{Paper: PaperA4, Template: &tpl}.pdfLayout()
	if err != nil {
		t.Fatal(err)
	}
	lays = append(lays, grid)
	for _, lay := range lays {
		for i := range lay.PerPage() {
			r, c := i/lay.Across, i%lay.Across
			bx, by, _, _ := lay.BackTileBox(i)
			mx, my, _, _ := lay.TileBox(r*lay.Across + lay.Across - 1 - c)
			if math.Abs(bx-mx) > 1e-9 || math.Abs(by-my) > 1e-9 {
				t.Errorf("%s: back of (%d,%d) at %.3f,%.3f; the tile (%d,%d) is at %.3f,%.3f", lay.Name, r, c, bx, by, r, lay.Across-1-c, mx, my)
			}
		}
	}
}

// TestTemplatePrintSafety: each rule, broken once on a safe template, is
// reported naming the element and what to change, and an export with it
// is refused before a byte is written.
func TestTemplatePrintSafety(t *testing.T) {
	s := pdfFixture(t)
	card := allCards(t, s, data.Filter{})[0]
	if ps := CheckTemplate(shopTemplate(), card, 0, true); len(ps) != 0 {
		t.Fatalf("the shop template has problems: %v", ps)
	}
	if ps := CheckTemplate(DefaultTemplate(85, 54), card, 0, false); len(ps) != 0 {
		t.Fatalf("the default template's elements have problems: %v", ps)
	}
	for _, tc := range []struct {
		name   string
		change func(*data.Template)
		want   string
	}{
		{"outside the tile", func(t *data.Template) { t.Elements[4].XMM = 60 }, `front element 5 (text "{currency} batch {batch}"): lies outside the 85 × 54 mm tile; move it inside`},
		{"near a cut edge", func(t *data.Template) { t.Elements[0].YMM = 1 }, `front element 1 (text "{reseller}"): is 1.0 mm from a cut edge; keep it at least 2 mm from every edge`},
		{"text in a QR quiet zone", func(t *data.Template) { t.Elements[2].WMM = 51 },
			`front element 3 (text "{pin_grouped}"): overlaps the quiet zone of front element 9 (qr "{pin}")`},
		{"text in a barcode quiet zone", func(t *data.Template) { t.Elements[6].YMM, t.Elements[6].HMM = 40, 5 },
			`front element 7 (text "Valid {expiry}"): overlaps the quiet zone of front element 10 (barcode "{serial}")`},
		{"small QR", func(t *data.Template) { t.Elements[8].WMM, t.Elements[8].HMM = 12, 12 }, `front element 9 (qr "{pin}"): is 12.0 mm square; a QR code needs at least 15 mm to scan: make w_mm and h_mm 15 or more`},
		{"narrow barcode", func(t *data.Template) { t.Elements[9].WMM = 15 }, `front element 10 (barcode "{serial}"): has bars 0.`},
		{"small PIN", func(t *data.Template) { t.Elements[3].SizePt = 7 }, `front element 4 (text "{pin}"): prints the PIN at 7.0 pt; the PIN needs at least 8 pt`},
		{"PIN shrunk to fit", func(t *data.Template) { t.Elements[2].WMM = 20 }, `front element 3 (text "{pin_grouped}"): prints the PIN at`},
		{"unknown placeholder", func(t *data.Template) { t.Back[0].Text += " {hotline}" }, `back element 1 (text "Top up: dial *123*{pin}# or sc…"): {hotline} is no placeholder; use one of {pin}, {pin_grouped}`},
		{"logo without a logo", nil, `front element 8 (logo): shows the logo, but no logo was given; choose a logo file (--logo)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := shopTemplate()
			logo := testLogo(t)
			if tc.change != nil {
				tc.change(&tpl)
			} else {
				logo = nil
			}
			ps := CheckTemplate(tpl, card, 0, logo != nil)
			found := false
			for _, p := range ps {
				found = found || strings.Contains(p.Msg, tc.want)
			}
			if !found {
				t.Fatalf("problems %q lack %q", ps, tc.want)
			}
			if strings.Contains(tc.want, "no placeholder") {
				return // Validate refuses it before the check; see TestTemplateValidate
			}
			var b bytes.Buffer
			err := s.Read(context.Background(), func(r data.Reader) error {
				_, err := Write(context.Background(), &b, r, data.Filter{}, PDF, Options{Paper: PaperA4, Layout: LayoutCardsA4, Template: &tpl, Logo: logo})
				return err
			})
			if err == nil || !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("export: %v; want a refusal with %q", err, tc.want)
			}
			if b.Len() != 0 {
				t.Errorf("a refused export wrote %d bytes", b.Len())
			}
		})
	}
}

// TestTemplateValidate: structural mistakes in a template file are
// refused with what to change.
func TestTemplateValidate(t *testing.T) {
	for _, tc := range []struct {
		json, want string
	}{
		{`{"name":"x","tile":{"width_mm":85,"height_mm":54},"elements":[{"type":"text","x_mm":4,"y_mm":4,"w_mm":40,"h_mm":6,"text":"{pin} {hotline}","size_pt":10}]}`,
			`{hotline} is no placeholder`},
		{`{"name":"x","tile":{"width_mm":85,"height_mm":54},"elements":[{"type":"text","x_mm":4,"y_mm":4,"w_mm":40,"h_mm":6,"text":"{serial}","size_pt":10}]}`,
			`shows no PIN on its front`},
		{`{"name":"x","tile":{"width_mm":85,"height_mm":54},"elements":[{"type":"circle","x_mm":4,"y_mm":4,"w_mm":40,"h_mm":6}]}`,
			`type "circle": use text, qr, barcode or logo`},
		{`{"name":"x","tile":{"width_mm":85,"height_mm":54},"elements":[{"type":"text","x_mm":4,"y_mm":4,"w_mm":40,"h_mm":6,"txt":"{pin}","size_pt":10}]}`,
			`unknown field "txt"`},
		{`{"name":"default","tile":{"width_mm":85,"height_mm":54},"elements":[]}`, `"default" is the built-in template`},
		{`{"name":"x","tile":{"width_mm":5,"height_mm":54},"elements":[]}`, `give width_mm and height_mm between 20 and 300`},
		{`{"name":"x","tile":{"width_mm":85,"height_mm":54},"elements":[{"type":"barcode","x_mm":4,"y_mm":4,"w_mm":40,"h_mm":6,"content":"{pin}","symbology":"ean13"}]}`,
			`symbology "ean13": use "code128"`},
	} {
		_, err := data.ParseTemplate(strings.NewReader(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.json, err, tc.want)
		}
	}
}

// TestTemplateJSONRoundTrip: a template written as JSON and read back is
// the same template, and writes the same bytes.
func TestTemplateJSONRoundTrip(t *testing.T) {
	for _, tpl := range []data.Template{shopTemplate(), DefaultTemplate(85, 54)} {
		if tpl.Name == data.DefaultTemplateName {
			tpl.Name = "copy of default"
		}
		b := tpl.JSON()
		got, err := data.ParseTemplate(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tpl) {
			t.Errorf("round trip changed the template:\n%+v\n%+v", got, tpl)
		}
		if !bytes.Equal(got.JSON(), b) {
			t.Errorf("JSON differs after a round trip:\n%s\n%s", b, got.JSON())
		}
		for _, field := range []string{`"name"`, `"tile"`, `"width_mm"`, `"height_mm"`, `"elements"`, `"x_mm"`, `"y_mm"`, `"w_mm"`, `"h_mm"`} {
			if !bytes.Contains(b, []byte(field)) {
				t.Errorf("JSON lacks %s:\n%s", field, b)
			}
		}
	}
}

// TestPreviewTileIsThePDFTile: the designer's tile preview and the PDF's
// tile come from the same drawing code: the preview's QR code and barcode
// decode to the card's PIN and serial.
func TestPreviewTileIsThePDFTile(t *testing.T) {
	needTools(t)
	s := pdfFixture(t)
	c := allCards(t, s, data.Filter{})[0]
	tpl := shopTemplate()
	img, err := PreviewTile(&tpl, c, testLogo(t), false, 1004) // 300 dpi across 85 mm
	if err != nil {
		t.Fatal(err)
	}
	if got := zbarCodes(t, img); !sameSet(got, []string{"CODE-128:" + c.Serial.String(), "QR-Code:" + c.PIN}) {
		t.Errorf("preview codes %q", got)
	}
	back, err := PreviewTile(&tpl, c, nil, true, 1004)
	if err != nil {
		t.Fatal(err)
	}
	if got := zbarCodes(t, back); !sameSet(got, []string{"CODE-128:" + c.PIN}) {
		t.Errorf("back preview codes %q", got)
	}
}

// TestWorkbookFollowsTemplate: a workbook exported with a template shows
// the template's texts, with each card's values, as the tile's lines in
// their vertical order; its QR picture holds the template's QR content and
// a barcode picture under it the template's barcode (the serial), read
// back with zbarimg.
func TestWorkbookFollowsTemplate(t *testing.T) {
	s := fixture(t)
	tpl := shopTemplate()
	tpl.Elements[8].Content = "https://topup.example.com/r?p={pin}"
	path := filepath.Join(t.TempDir(), "vouchers.xlsx")
	if _, err := Export(context.Background(), s, data.Filter{}, path, Options{Template: &tpl}); err != nil {
		t.Fatal(err)
	}
	cards := allCards(t, s, data.Filter{Status: data.StatusNew})
	byPIN := map[string]data.Card{}
	for _, c := range cards {
		byPIN[c.PIN] = c
	}
	xf, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	cells, err := xf.GetPictureCells(SheetVouchers)
	if err != nil || len(cells) != 2*len(cards) {
		t.Fatalf("%d pictures for %d cards (a QR code and a barcode each), %v", len(cells), len(cards), err)
	}
	bars := map[string]int{}
	for _, cell := range cells {
		pics, err := xf.GetPictures(SheetVouchers, cell)
		if err != nil || len(pics) != 1 {
			t.Fatalf("%s: %d pictures, %v", cell, len(pics), err)
		}
		img, err := png.Decode(bytes.NewReader(pics[0].File))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() > 2*b.Dy() { // the barcode
			codes := zbarCodes(t, img)
			if len(codes) != 1 || !strings.HasPrefix(codes[0], "CODE-128:") {
				t.Fatalf("%s: barcode reads %q", cell, codes)
			}
			bars[strings.TrimPrefix(codes[0], "CODE-128:")]++
			continue
		}
		got := decodeQR(t, pics[0].File)
		c, ok := byPIN[strings.TrimPrefix(got, "https://topup.example.com/r?p=")]
		if !ok || !strings.HasPrefix(got, "https://topup.example.com/r?p=") {
			t.Fatalf("QR %q is not the template's address of a card", got)
		}
		col, row, _ := excelize.CellNameToCoordinates(cell)
		top := (row-1)/rowsPerTile*rowsPerTile + 1
		textCol, _ := excelize.ColumnNumberToName(col - 1)
		var lines []string
		for r := range rowsPerTile - 1 {
			v, _ := xf.GetCellValue(SheetVouchers, textCol+strconv.Itoa(top+r))
			lines = append(lines, v)
		}
		expiry := "No expiry"
		if !c.ExpiresAt.IsZero() {
			expiry = data.Locale{}.Expiry(c.ExpiresAt)
		}
		want := []string{c.Reseller, data.Locale{}.Amount(c.Amount), data.GroupPIN(c.PIN), c.PIN,
			c.Amount.Currency + " batch " + strconv.FormatInt(c.BatchID, 10) + " · S/N " + c.Serial.String() + " · Valid " + expiry}
		if c.Reseller == "" {
			want[0] = data.NoResellerText
		}
		if strings.Join(lines, "|") != strings.Join(want, "|") {
			t.Errorf("tile of card %s: %q, want %q", c.Serial, lines, want)
		}
	}
	for _, c := range cards {
		if bars[c.Serial.String()] != 1 {
			t.Errorf("card %s: %d barcodes of its serial", c.Serial, bars[c.Serial.String()])
		}
	}
}

// TestTemplateReprintAndVoid: a template's tile carries the REPRINT band
// when printed again, and a card that cannot be sold is stamped across its
// front (with --include-void), as the built-in tile does.
func TestTemplateReprintAndVoid(t *testing.T) {
	needTools(t)
	s := voidFixture(t)
	tpl := shopTemplate()
	opts := Options{Paper: PaperA4, Layout: LayoutCardsA4, Template: &tpl, Logo: testLogo(t), IncludeVoid: true}
	dir := t.TempDir()
	if res, err := Export(context.Background(), s, data.Filter{}, filepath.Join(dir, "1.pdf"), opts); err != nil || res.Void != 6 {
		t.Fatal(res.Void, err)
	}
	first := pdfText(t, filepath.Join(dir, "1.pdf"), 0)
	if n := strings.Count(first, "REPRINT"); n != 0 {
		t.Errorf("first print: %d REPRINT marks", n)
	}
	// Six cards cannot be sold (2 blocked, 1 redeemed, 3 expired): six stamps.
	if n := strings.Count(first, "DO NOT SELL"); n != 6 {
		t.Errorf("%d stamps, want 6:\n%s", n, first)
	}
	for _, w := range []string{"VOID —", "REDEEMED", "EXPIRED"} {
		if strings.Count(first, w) < 2 { // the stamp and the totals line
			t.Errorf("no tile is stamped %s", w)
		}
	}
	res, err := Export(context.Background(), s, data.Filter{Status: data.StatusNew}, filepath.Join(dir, "2.pdf"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(pdfText(t, filepath.Join(dir, "2.pdf"), 0), "REPRINT"); n != int(res.Cards) || n == 0 {
		t.Errorf("second print: %d REPRINT marks for %d cards", n, res.Cards)
	}
}
