package export

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// localeFixture: one card each of 5000 XOF, 0.500 KWD, 1,234.50 EUR (valid
// until 18:00) and 500 JPY (valid all day).
func localeFixture(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s := newStore(tb)
	at18 := time.Date(2030, 9, 30, 18, 0, 0, 0, time.Local)
	endOfDay := time.Date(2030, 9, 30, 23, 59, 59, 0, time.Local)
	for _, p := range []data.GenerateParams{
		{Amount: 5000, Currency: "XOF", Quantity: 1, Series: "X", ExpiresAt: endOfDay},
		{Amount: 500, Currency: "KWD", Quantity: 1, Series: "K", ExpiresAt: endOfDay},
		{Amount: 123450, Currency: "EUR", Quantity: 1, Series: "E", ExpiresAt: at18},
		{Amount: 500, Currency: "JPY", Quantity: 1, Series: "J"},
	} {
		if _, err := s.Generate(context.Background(), p, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// TestVoucherAmountsAndDatesFollowTheLocale reads back the PDF (pdftotext)
// and the workbook of the same cards exported in en-US, de-DE and fr-FR:
// each currency with its own decimals, the locale's marks, the expiry with
// its time when it is not the end of the day; and the CSV plain.
func TestVoucherAmountsAndDatesFollowTheLocale(t *testing.T) {
	needTools(t)
	s := localeFixture(t)
	ctx := context.Background()
	cases := []struct {
		tag  string
		want []string // on the vouchers and the totals
	}{
		{"en-US", []string{"5,000 XOF", "0.500 KWD", "1,234.50 EUR", "500 JPY", "Valid until 09/30/2030 6:00 PM",
			"Valid until 09/30/2030\n", "No expiry", "Total EUR"}},
		{"de-DE", []string{"5.000 XOF", "0,500 KWD", "1.234,50 EUR", "500 JPY", "Valid until 30.09.2030 18:00",
			"Valid until 30.09.2030\n"}},
		{"fr-FR", []string{"5\u202f000 XOF", "0,500 KWD", "1\u202f234,50 EUR", "500 JPY", "Valid until 30/09/2030 18:00"}},
	}
	for _, c := range cases {
		t.Run(c.tag, func(t *testing.T) {
			l := data.NewLocale(c.tag)
			dir := t.TempDir()
			pdf := filepath.Join(dir, "v.pdf")
			if _, err := Export(ctx, s, data.Filter{}, pdf, Options{Locale: l}); err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf, 0)
			// pdftotext -layout pads columns with spaces: compare lines
			// with their runs of spaces kept but trailing ones cut.
			var lines []string
			for _, ln := range strings.Split(text, "\n") {
				lines = append(lines, strings.TrimRight(ln, " "))
			}
			// pdftotext writes the narrow no-break space of fr-FR as a space.
			spaces := strings.NewReplacer("\u202f", " ", "\u00a0", " ")
			flat := spaces.Replace(strings.Join(lines, "\n"))
			for _, w := range c.want {
				w = spaces.Replace(w)
				if !strings.Contains(flat, w) && !strings.Contains(flat, strings.TrimSuffix(w, "\n")+" ") {
					t.Errorf("the PDF does not show %q:\n%s", w, text)
				}
			}
			if strings.Contains(text, "5,000.00") || strings.Contains(text, "500.00 JPY") {
				t.Errorf("the PDF shows decimals a currency does not have:\n%s", text)
			}
			xlsx := filepath.Join(dir, "v.xlsx")
			if _, err := Export(ctx, s, data.Filter{}, xlsx, Options{Locale: l}); err != nil {
				t.Fatal(err)
			}
			xf, err := excelize.OpenFile(xlsx)
			if err != nil {
				t.Fatal(err)
			}
			defer xf.Close()
			var tiles []string
			rows, err := xf.GetRows(SheetVouchers)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				tiles = append(tiles, strings.Join(r, "|"))
			}
			sheet := strings.Join(tiles, "\n")
			for _, w := range c.want[:4] {
				if !strings.Contains(sheet, w) {
					t.Errorf("the workbook's vouchers do not show %q:\n%s", w, sheet)
				}
			}
			if !strings.Contains(sheet, c.want[4]) {
				t.Errorf("the workbook's vouchers do not show %q", c.want[4])
			}
		})
	}
}

// TestCardsSheetAmountsHaveTheCurrencysDecimals: the Cards sheet holds
// numbers in major units, shown with the currency's decimals; the CSV is
// plain.
func TestCardsSheetAmountsHaveTheCurrencysDecimals(t *testing.T) {
	s := localeFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "v.xlsx")
	if _, err := Export(ctx, s, data.Filter{}, xlsx, Options{Locale: data.NewLocale("de-DE")}); err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	want := map[string][2]string{ // currency: as shown, raw value
		"XOF": {"5,000", "5000"}, "KWD": {"0.500", "0.5"}, "EUR": {"1,234.50", "1234.5"}, "JPY": {"500", "500"},
	}
	for r := 2; r <= 5; r++ {
		cur, _ := xf.GetCellValue(SheetCards, "D"+strconv.Itoa(r))
		shown, _ := xf.GetCellValue(SheetCards, "C"+strconv.Itoa(r))
		raw, _ := xf.GetCellValue(SheetCards, "C"+strconv.Itoa(r), excelize.Options{RawCellValue: true})
		if w, ok := want[cur]; !ok || shown != w[0] || raw != w[1] {
			t.Errorf("Cards row %d: %s shown %q, raw %q; want %v", r, cur, shown, raw, w)
		}
	}
	// The summary's face value per currency, with the currency's decimals.
	rows, err := xf.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, r := range rows {
		summary = append(summary, strings.Join(r, "|"))
	}
	for _, w := range []string{"KWD|1|0.500|0.500", "XOF|1|5,000|5,000", "EUR|1|1,234.50|1,234.50", "JPY|1|500|500"} {
		if !strings.Contains(strings.Join(summary, "\n"), w) {
			t.Errorf("summary has no row %q:\n%s", w, strings.Join(summary, "\n"))
		}
	}
	// CSV: plain, whatever the locale.
	csvPath := filepath.Join(dir, "v.csv")
	if _, err := Export(ctx, s, data.Filter{}, csvPath, Options{Locale: data.NewLocale("de-DE")}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs[1:] {
		got[r[3]] = r[2]
	}
	for cur, w := range map[string]string{"XOF": "5000", "KWD": "0.500", "EUR": "1234.50", "JPY": "500"} {
		if got[cur] != w {
			t.Errorf("CSV amount of the %s card %q, want %q", cur, got[cur], w)
		}
	}
}
