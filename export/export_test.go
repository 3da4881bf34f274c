package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/xuri/excelize/v2"

	"topupcards/data"
	"topupcards/data/sqlite"
)

func newStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "cards.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// fixture: 40 cards of Reseller 1 with an expiry (one redeemed), 7 EUR
// cards with a check digit and no reseller.
func fixture(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s := newStore(tb)
	ctx := context.Background()
	if _, err := s.AddReseller(ctx, "Reseller 1"); err != nil {
		tb.Fatal(err)
	}
	gen := func(p data.GenerateParams) {
		if _, err := s.Generate(ctx, p, nil); err != nil {
			tb.Fatal(err)
		}
	}
	gen(data.GenerateParams{Amount: 800, Quantity: 40, Series: "3", Reseller: "Reseller 1", ExpiresAt: time.Now().AddDate(1, 0, 0)})
	gen(data.GenerateParams{Amount: 1550, Currency: "EUR", Quantity: 7, Series: "EU", CheckDigit: true, PINLength: 14})
	cards, _, _ := s.Page(ctx, data.Filter{Batch: 1}, data.Sort{}, data.Cursor{}, 1)
	if _, err := s.Redeem(ctx, cards[0].PIN, "Rose Orig"); err != nil {
		tb.Fatal(err)
	}
	return s
}

func allCards(tb testing.TB, s *sqlite.Store, f data.Filter) []data.Card {
	tb.Helper()
	var out []data.Card
	if err := s.Each(context.Background(), f, data.Sort{}, func(c data.Card) error { out = append(out, c); return nil }); err != nil {
		tb.Fatal(err)
	}
	return out
}

func decodeQR(tb testing.TB, img []byte) string {
	tb.Helper()
	im, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		tb.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(im)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		tb.Fatalf("QR does not decode: %v", err)
	}
	return res.GetText()
}

func TestWorkbookVouchersEveryQRDecodesToItsTile(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     Options
		template string
	}{
		{"pin a4 3 across", Options{}, ""},
		{"address letter 4 across", Options{Across: 4, Paper: PaperLetter, QRTemplate: "https://billing.example.com/redeem?pin={pin}&s={serial}"}, "x"},
		{"one across", Options{Across: 1}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture(t)
			path := filepath.Join(t.TempDir(), "vouchers.xlsx")
			res, err := Export(context.Background(), s, data.Filter{}, path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			// The one redeemed card is left out.
			cards := allCards(t, s, data.Filter{Status: data.StatusNew})
			if res.Cards != int64(len(cards)) || res.Cards != 46 || res.LeftOutText() != "1 redeemed" {
				t.Fatalf("exported %d, store has %d sellable; left out %q", res.Cards, len(cards), res.LeftOutText())
			}
			byPIN := map[string]data.Card{}
			for _, c := range cards {
				byPIN[c.PIN] = c
			}
			xf, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer xf.Close()
			if got := xf.GetSheetList(); strings.Join(got, ",") != "Vouchers,Cards,Summary" {
				t.Fatalf("sheets %v", got)
			}
			cells, err := xf.GetPictureCells(SheetVouchers)
			if err != nil {
				t.Fatal(err)
			}
			if len(cells) != len(cards) {
				t.Fatalf("%d pictures for %d cards", len(cells), len(cards))
			}
			across := max(tc.opts.Across, 1)
			if tc.opts.Across == 0 {
				across = 3
			}
			seen := map[string]bool{}
			for _, cell := range cells {
				pics, err := xf.GetPictures(SheetVouchers, cell)
				if err != nil || len(pics) != 1 {
					t.Fatalf("%s: %d pictures, %v", cell, len(pics), err)
				}
				got := decodeQR(t, pics[0].File)
				pin := got
				if tc.opts.QRTemplate != "" {
					m := regexp.MustCompile(`^https://billing\.example\.com/redeem\?pin=(\d+)&s=(\S+)$`).FindStringSubmatch(got)
					if m == nil {
						t.Fatalf("QR %q is not the redeem address", got)
					}
					pin = m[1]
					if byPIN[pin].Serial.String() != m[2] {
						t.Errorf("QR %q: serial does not belong to the PIN", got)
					}
				}
				c, ok := byPIN[pin]
				if !ok {
					t.Fatalf("QR %q decodes to no card's PIN", got)
				}
				seen[pin] = true
				// The picture sits in the tile's QR column; the tile's text
				// column shows the same card.
				col, row, _ := excelize.CellNameToCoordinates(cell)
				if col%2 != 0 || col/2 > across {
					t.Errorf("picture in column %d", col)
				}
				tileTop := (row-1)/rowsPerTile*rowsPerTile + 1
				textCol, _ := excelize.ColumnNumberToName(col - 1)
				gotPIN, _ := xf.GetCellValue(SheetVouchers, textCol+strconv.Itoa(tileTop+2))
				gotSerial, _ := xf.GetCellValue(SheetVouchers, textCol+strconv.Itoa(tileTop+3))
				gotAmount, _ := xf.GetCellValue(SheetVouchers, textCol+strconv.Itoa(tileTop+1))
				if gotPIN != data.GroupPIN(c.PIN) || gotSerial != "S/N "+c.Serial.String() || gotAmount != data.Plain.Amount(c.Amount) {
					t.Errorf("tile at %s shows %q %q %q, QR is card %s %s", cell, gotPIN, gotSerial, gotAmount, c.Serial, c.PIN)
				}
			}
			if len(seen) != len(cards) {
				t.Errorf("%d distinct cards in QR codes, want %d", len(seen), len(cards))
			}
		})
	}
}

func TestWorkbookPageSetup(t *testing.T) {
	s := newStore(t)
	if _, err := s.Generate(context.Background(), data.GenerateParams{Amount: 500, Quantity: 100, Series: "7"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts Options
		code int
	}{{Options{}, 9}, {Options{Paper: PaperLetter, Across: 2}, 1}} {
		path := filepath.Join(t.TempDir(), "v.xlsx")
		res, err := Export(context.Background(), s, data.Filter{Batch: 1}, path, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		o := tc.opts
		_ = o.normalize(XLSX)
		lay := newLayout(o.Across, o.Paper)
		wantPages := (100 + lay.tilesPerPage - 1) / lay.tilesPerPage
		if res.Pages != wantPages {
			t.Errorf("pages %d, want %d", res.Pages, wantPages)
		}
		xf, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := xf.GetPageLayout(SheetVouchers)
		if err != nil {
			t.Fatal(err)
		}
		if *pl.Size != tc.code || *pl.Orientation != "portrait" || *pl.FitToWidth != 1 {
			t.Errorf("page layout size %d orientation %s fit %d", *pl.Size, *pl.Orientation, *pl.FitToWidth)
		}
		tileRows := (100 + o.Across - 1) / o.Across
		lastCol, _ := excelize.ColumnNumberToName(2 * o.Across)
		wantArea := "Vouchers!$A$1:$" + lastCol + "$" + strconv.Itoa(tileRows*rowsPerTile)
		found := false
		for _, dn := range xf.GetDefinedName() {
			if dn.Name == "_xlnm.Print_Area" {
				found = dn.RefersTo == wantArea
				if !found {
					t.Errorf("print area %q, want %q", dn.RefersTo, wantArea)
				}
			}
		}
		if !found {
			t.Error("no print area")
		}
		hf, _ := xf.GetHeaderFooter(SheetVouchers)
		if hf == nil || !strings.Contains(hf.OddFooter, "batch 1") || !strings.Contains(hf.OddFooter, "&P") {
			t.Errorf("footer %+v", hf)
		}
		xf.Close()
		// Page breaks fall between tile rows, one per page after the first.
		breaks := rowBreaks(t, path)
		if len(breaks) != wantPages-1 {
			t.Errorf("%d page breaks for %d pages", len(breaks), wantPages)
		}
		for i, b := range breaks {
			if b != (i+1)*lay.tileRowsPage*rowsPerTile {
				t.Errorf("break %d after row %d, want %d", i, b, (i+1)*lay.tileRowsPage*rowsPerTile)
			}
		}
	}
}

// rowBreaks reads the manual row breaks of the Vouchers sheet.
func rowBreaks(t *testing.T, path string) []int {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		var out []int
		for _, m := range regexp.MustCompile(`<brk id="(\d+)"`).FindAllStringSubmatch(string(b), -1) {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
		return out
	}
	t.Fatal("no Vouchers sheet")
	return nil
}

func TestWorkbookCardsSheetHasTypedCells(t *testing.T) {
	s := fixture(t)
	path := filepath.Join(t.TempDir(), "v.xlsx")
	if _, err := Export(context.Background(), s, data.Filter{}, path, Options{}); err != nil {
		t.Fatal(err)
	}
	cards := allCards(t, s, data.Filter{})
	xf, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	rows, err := xf.GetRows(SheetCards)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(cards)+1 || strings.Join(rows[0], ",") != strings.Join(cardsHeader, ",") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for i, c := range cards {
		r := i + 2
		get := func(col string) string {
			v, _ := xf.GetCellValue(SheetCards, col+strconv.Itoa(r))
			return v
		}
		raw := func(col string) string {
			v, _ := xf.GetCellValue(SheetCards, col+strconv.Itoa(r), excelize.Options{RawCellValue: true})
			return v
		}
		if get("A") != c.Serial.String() || get("B") != c.PIN || get("D") != c.Amount.Currency || get("E") != c.Reseller {
			t.Errorf("row %d: %v, card %+v", r, rows[i+1], c)
		}
		typ, _ := xf.GetCellType(SheetCards, "B"+strconv.Itoa(r))
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("PIN cell type %v: a PIN must stay text", typ)
		}
		amount, err := strconv.ParseFloat(raw("C"), 64)
		if err != nil || int64(amount*math.Pow10(data.CurrencyDigits(c.Amount.Currency))+0.5) != c.Amount.Minor {
			t.Errorf("amount cell %q for %d minor units", raw("C"), c.Amount.Minor)
		}
		if get("C") != sheetLocale.Number(c.Amount) {
			t.Errorf("amount shown as %q", get("C"))
		}
		created, err := strconv.ParseFloat(raw("H"), 64)
		if err != nil {
			t.Errorf("created cell %q is not a date serial", raw("H"))
		} else if got, _ := excelize.ExcelDateToTime(created, false); !got.Equal(wallClock(c.CreatedAt)) {
			t.Errorf("created %v, want %v", got, wallClock(c.CreatedAt))
		}
		if c.ExpiresAt.IsZero() != (raw("F") == "") {
			t.Errorf("expiry cell %q for %v", raw("F"), c.ExpiresAt)
		}
		if c.ActivatedBy != get("I") || c.ActivatedAt.IsZero() != (raw("J") == "") {
			t.Errorf("activation cells %q %q", get("I"), raw("J"))
		}
		if get("G") != string(c.StatusAt(s.Now())) {
			t.Errorf("status %q", get("G"))
		}
	}
	panes, err := xf.GetPanes(SheetCards)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	style, _ := xf.GetCellStyle(SheetCards, "A1")
	st, _ := xf.GetStyle(style)
	if st == nil || st.Font == nil || !st.Font.Bold {
		t.Error("header not bold")
	}
	filter := false
	for _, dn := range xf.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && strings.Contains(dn.RefersTo, "$A$1:$J$48") {
			filter = true
		}
	}
	if !filter {
		t.Errorf("no autofilter over the cards: %+v", xf.GetDefinedName())
	}
	// Summary: count and totals per currency.
	sum, _ := xf.GetRows(SheetSummary)
	text := ""
	for _, r := range sum {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"Cards matched|47", "Voucher tiles|46", "Left out|1 redeemed", "redeemed|1|8.00|USD|left out", "EUR|7|108.50|108.50", "USD|40|320.00|312.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}

func TestCSVRoundTrips(t *testing.T) {
	s := fixture(t)
	path := filepath.Join(t.TempDir(), "cards.csv")
	res, err := Export(context.Background(), s, data.Filter{Reseller: "Reseller 1"}, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cards := allCards(t, s, data.Filter{Reseller: "Reseller 1"})
	if res.Cards != 40 || len(recs) != 41 || strings.Join(recs[0], ",") != strings.Join(cardsHeader, ",") {
		t.Fatalf("%d records for %d cards; header %v", len(recs), res.Cards, recs[0])
	}
	for i, c := range cards {
		r := recs[i+1]
		amount, err := data.ParseAmount(r[2], r[3])
		created, err2 := time.Parse(time.RFC3339, r[7])
		if err != nil || err2 != nil || r[0] != c.Serial.String() || r[1] != c.PIN || amount != c.Amount.Minor ||
			r[3] != c.Amount.Currency || r[4] != c.Reseller || !created.Equal(c.CreatedAt) || r[8] != c.ActivatedBy {
			t.Errorf("record %v does not round-trip card %+v", r, c)
		}
	}
}

// Bad input is refused before anything is written.
func TestWriteRefusesBadInput(t *testing.T) {
	s := fixture(t)
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "v.xlsx")
	for _, o := range []Options{{Across: 7}, {QRTemplate: "https://x.example/redeem"}, {Layout: "cards-a4-10up"}} {
		if _, err := Export(ctx, s, data.Filter{}, path, o); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	if _, err := Export(ctx, s, data.Filter{}, filepath.Join(dir, "v.txt"), Options{}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("txt name: %v", err)
	}
	if _, err := Export(ctx, s, data.Filter{Client: "nobody"}, filepath.Join(dir, "none.csv"), Options{}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("empty export: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestQRPNGIsCrisp(t *testing.T) {
	img, err := QRPNG("123456789012")
	if err != nil {
		t.Fatal(err)
	}
	im, _ := png.Decode(bytes.NewReader(img))
	// Every module is QRModulePixels wide: the side is a multiple of it.
	if w := im.Bounds().Dx(); w%QRModulePixels != 0 || w < 21*QRModulePixels {
		t.Errorf("width %d", w)
	}
	if decodeQR(t, img) != "123456789012" {
		t.Error("round trip")
	}
}

// The hand-written PNG decodes with the standard library to exactly the
// QR modules, each QRModulePixels square.
func TestQRPNGPixelsAreTheModules(t *testing.T) {
	for _, content := range []string{"12345", "452428293854", "https://billing.example.com/redeem?pin=45242829385412345678&serial=ABCDEFGHIJ-000000001"} {
		bm, err := QRModules(content)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := QRPNG(content)
		im, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		if im.Bounds().Dx() != len(bm)*QRModulePixels || im.Bounds().Dy() != len(bm)*QRModulePixels {
			t.Fatalf("size %v for %d modules", im.Bounds(), len(bm))
		}
		for y := 0; y < im.Bounds().Dy(); y++ {
			for x := 0; x < im.Bounds().Dx(); x++ {
				r, _, _, _ := im.At(x, y).RGBA()
				dark := bm[y/QRModulePixels][x/QRModulePixels]
				if dark != (r == 0) {
					t.Fatalf("%q: pixel %d,%d is %v, module dark %v", content, x, y, r, dark)
				}
			}
		}
		if got := decodeQR(t, b); got != content {
			t.Errorf("decodes to %q", got)
		}
	}
}

// A voucher sheet is a print run: the second sheet of the same cards marks
// every tile REPRINT, and the store counts the prints; CSV is no print run.
func TestVoucherExportsArePrintRuns(t *testing.T) {
	s := fixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	first, err := Export(ctx, s, data.Filter{Batch: 2}, filepath.Join(dir, "a.xlsx"), Options{})
	if err != nil || first.Reprints != 0 {
		t.Fatalf("first: %+v %v", first, err)
	}
	if _, err := Export(ctx, s, data.Filter{Batch: 2}, filepath.Join(dir, "a.csv"), Options{}); err != nil {
		t.Fatal(err)
	}
	second, err := Export(ctx, s, data.Filter{Batch: 2}, filepath.Join(dir, "b.pdf"), Options{Layout: "cards-a4-10up"})
	if err != nil || second.Reprints != 7 || second.Pages != 2 {
		t.Fatalf("second: %+v %v", second, err)
	}
	third, err := Export(ctx, s, data.Filter{Batch: 2}, filepath.Join(dir, "c.xlsx"), Options{})
	if err != nil || third.Reprints != 7 {
		t.Fatalf("third: %+v %v", third, err)
	}
	for _, c := range allCards(t, s, data.Filter{Batch: 2}) {
		if c.Printed != 3 {
			t.Errorf("card %s printed %d times, want 3", c.Serial, c.Printed)
		}
	}
	runs, _ := s.PrintRuns(ctx, 10)
	if len(runs) != 3 || runs[1].Format != data.PrintPDF || runs[1].Layout != "cards-a4-10up" || runs[1].Cards != 7 {
		t.Errorf("runs %+v", runs)
	}
	xf, err := excelize.OpenFile(filepath.Join(dir, "c.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	if v, _ := xf.GetCellValue(SheetVouchers, "A6"); v != "REPRINT" {
		t.Errorf("reprinted tile shows %q under it, want REPRINT", v)
	}
	xf2, _ := excelize.OpenFile(filepath.Join(dir, "a.xlsx"))
	defer xf2.Close()
	if v, _ := xf2.GetCellValue(SheetVouchers, "A6"); v != "" {
		t.Errorf("first print shows %q", v)
	}
	// The PDF of the second run carries the mark on each of its 7 tiles.
	needTools(t)
	if n := strings.Count(pdfText(t, filepath.Join(dir, "b.pdf"), 0), "REPRINT"); n != 7 {
		t.Errorf("the reprinted PDF shows REPRINT %d times, want 7", n)
	}
}

func TestParseColours(t *testing.T) {
	got, err := ParseColours(" 8.00=#2E7D32, 26=#1565c0 ,")
	if err != nil || len(got) != 2 || got[80000] != "#2E7D32" || got[260000] != "#1565c0" {
		t.Errorf("%v %v", got, err)
	}
	for _, bad := range []string{"8.00", "8.00=green", "x=#000000", "8.00=#12345"} {
		if _, err := ParseColours(bad); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
