package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// voidFixture: 6 new cards (series 1), 3 that expire within the hour
// (series 2), and of series 1 two more blocked and one more redeemed; the
// store's clock is then two hours on, so the 3 have expired.
func voidFixture(t *testing.T) *sqlite.Store {
	t.Helper()
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 9, Series: "1"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 2600, Quantity: 3, Series: "2", ExpiresAt: time.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	cards := allCards(t, s, data.Filter{Batch: 1})
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{cards[1].ID, cards[4].ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redeem(ctx, cards[2].PIN, "Rose Orig"); err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
	return s
}

// Voucher sheets leave out blocked, redeemed and expired cards by default
// and say so; with IncludeVoid they print them stamped across the tile.
// The card list keeps every card with its status.
func TestPDFVoidCardsLeftOutOrStamped(t *testing.T) {
	needTools(t)
	s := voidFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	lay, _ := LayoutByName(LayoutCardsA4, 0, 0)

	res, err := Export(ctx, s, data.Filter{}, filepath.Join(dir, "sellable.pdf"), Options{Layout: LayoutCardsA4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cards != 6 || res.Void != 0 || res.LeftOutText() != "2 blocked, 1 redeemed, 3 expired" || len(res.Printed) != 6 {
		t.Fatalf("default: %d cards, %d void, left out %q", res.Cards, res.Void, res.LeftOutText())
	}
	text := pdfText(t, filepath.Join(dir, "sellable.pdf"), 1)
	if strings.Contains(text, "DO NOT SELL") {
		t.Errorf("sellable sheet carries a stamp:\n%s", text)
	}
	totals := pdfText(t, filepath.Join(dir, "sellable.pdf"), 2)
	for _, w := range []string{"6 cards on 1 voucher page", "new: printed", "blocked: left out", "redeemed: left out", "expired: left out", "78.00 USD"} {
		if !strings.Contains(totals, w) {
			t.Errorf("totals lack %q:\n%s", w, totals)
		}
	}

	path := filepath.Join(dir, "all.pdf")
	res, err = Export(ctx, s, data.Filter{}, path, Options{Layout: LayoutCardsA4, IncludeVoid: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cards != 12 || res.Void != 6 || res.LeftOutText() != "" || len(res.Printed) != 12 {
		t.Fatalf("include void: %d cards, %d void, left out %q", res.Cards, res.Void, res.LeftOutText())
	}
	// Each stamp is on the tile of a card of its status.
	status := map[string]data.Status{}
	for _, c := range allCards(t, s, data.Filter{}) {
		status[data.GroupPIN(c.PIN)] = c.StatusAt(s.Now())
	}
	words := pdfWords(t, path)
	stamps := map[string]int{}
	for p := range 2 {
		for i := range lay.PerPage() {
			x, y, w, h := lay.TileBox(i)
			tw := tileWords(words[p], x, y, w, h)
			pin := printedPIN(tw)
			if pin == "" {
				continue
			}
			has := map[string]bool{}
			for _, wd := range tw {
				has[wd.text] = true
			}
			st := status[pin]
			want := VoidStamp(st)
			got := ""
			for _, stamp := range []string{"VOID", "REDEEMED", "EXPIRED"} {
				if has[stamp] && has["SELL"] {
					got += stamp
				}
			}
			if got != want {
				t.Errorf("page %d tile %d, a %s card: stamp %q, want %q", p+1, i, st, got, want)
			}
			stamps[got]++
		}
	}
	if stamps["VOID"] != 2 || stamps["REDEEMED"] != 1 || stamps["EXPIRED"] != 3 || stamps[""] != 6 {
		t.Errorf("stamps %v", stamps)
	}
	totals = pdfText(t, path, 3)
	for _, w := range []string{"12 cards on 2 voucher pages", "blocked: printed stamped VOID", "redeemed: printed stamped REDEEMED", "expired: printed stamped EXPIRED"} {
		if !strings.Contains(totals, w) {
			t.Errorf("totals lack %q:\n%s", w, totals)
		}
	}
	// The print runs hold what was printed.
	runs, _ := s.PrintRuns(ctx, 2)
	if len(runs) != 2 || runs[0].Cards != 12 || runs[1].Cards != 6 {
		t.Errorf("print runs %+v", runs)
	}

	// Nothing sellable: refused, saying what was left out.
	if _, err := Export(ctx, s, data.Filter{Status: data.StatusBlocked}, filepath.Join(dir, "none.pdf"), Options{}); err == nil ||
		!strings.Contains(err.Error(), "2 blocked") || !strings.Contains(err.Error(), "--include-void") {
		t.Errorf("only blocked cards: %v", err)
	}
}

func TestWorkbookVoidCardsLeftOutOrStamped(t *testing.T) {
	s := voidFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	for _, include := range []bool{false, true} {
		path := filepath.Join(dir, "v.xlsx")
		if include {
			path = filepath.Join(dir, "all.xlsx")
		}
		res, err := Export(ctx, s, data.Filter{}, path, Options{IncludeVoid: include})
		if err != nil {
			t.Fatal(err)
		}
		xf, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer xf.Close()
		rows, _ := xf.GetRows(SheetVouchers)
		stamps := map[string]int{}
		tiles := 0
		for r := 0; r < len(rows); r += rowsPerTile {
			for c := 0; c < len(rows[r]); c += 2 {
				if rows[r][c] == "" {
					continue
				}
				tiles++
				bottom := ""
				if r+rowsPerTile-1 < len(rows) && c < len(rows[r+rowsPerTile-1]) {
					bottom = rows[r+rowsPerTile-1][c]
				}
				stamps[bottom]++
			}
		}
		cards, _ := xf.GetRows(SheetCards)
		sum, _ := xf.GetRows(SheetSummary)
		var text string
		for _, r := range sum {
			text += strings.Join(r, "|") + "\n"
		}
		if len(cards) != 13 {
			t.Errorf("include %t: the Cards sheet has %d rows, want all 12 and the header", include, len(cards))
		}
		if !include {
			if tiles != 6 || res.Cards != 6 || stamps[""] != 6 || !strings.Contains(text, "Left out|2 blocked, 1 redeemed, 3 expired") ||
				!strings.Contains(text, "blocked|2|16.00|USD|left out") {
				t.Errorf("default: %d tiles, stamps %v, summary:\n%s", tiles, stamps, text)
			}
			continue
		}
		if tiles != 12 || res.Void != 6 || stamps["VOID — DO NOT SELL"] != 2 || stamps["REDEEMED — DO NOT SELL"] != 1 || stamps["EXPIRED — DO NOT SELL"] != 3 ||
			!strings.Contains(text, "Printed void|6") || !strings.Contains(text, "expired|3|78.00|USD|printed stamped EXPIRED") {
			t.Errorf("include void: %d tiles, stamps %v, summary:\n%s", tiles, stamps, text)
		}
	}
}

// The workbook prints right where neither Arial nor Calibri is installed:
// every tile row is tall enough for its text in DejaVu Sans (the widest
// common fallback), and every Cards column is wider than its widest value
// in it, so nothing is clipped and no two columns run together.
func TestWorkbookSizedForFallbackFont(t *testing.T) {
	s := voidFixture(t)
	ctx := context.Background()
	if _, err := s.AddReseller(ctx, "Ольга Žofia Łódź Telecom"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 100000, Quantity: 3, Series: "LONGSERIES", Reseller: "Ольга Žofia Łódź Telecom", PINLength: 16}, nil); err != nil {
		t.Fatal(err)
	}
	m := newMeasure()
	lineH := func(size float64) float64 { return size * fallbackLineEm } // points
	for _, paper := range []Paper{PaperA4, PaperLetter} {
		path := filepath.Join(t.TempDir(), "v.xlsx")
		if _, err := Export(ctx, s, data.Filter{}, path, Options{Paper: paper, IncludeVoid: true}); err != nil {
			t.Fatal(err)
		}
		xf, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer xf.Close()
		// Tile rows: company 10, amount 20, PIN 13, serial 9, expiry 9,
		// REPRINT / VOID 8 points, with a point to spare.
		for r, size := range []float64{10, 20, 13, 9, 9, 8} {
			h, err := xf.GetRowHeight(SheetVouchers, r+1)
			if err != nil || h < lineH(size)+1 {
				t.Errorf("%s: tile row %d is %.1f pt, want at least %.1f for %g pt text", paper, r+1, h, lineH(size)+1, size)
			}
		}
		if f, _ := xf.GetDefaultFont(); f != sheetFont {
			t.Errorf("default font %q, want %s (the column width unit)", f, sheetFont)
		}
		rows, _ := xf.GetRows(SheetCards)
		for c := range cardsHeader {
			col, _ := excelize.ColumnNumberToName(c + 1)
			w, _ := xf.GetColWidth(SheetCards, col)
			for _, r := range rows {
				if c >= len(r) {
					continue
				}
				v := r[c]
				if need := mmToColWidth(m.width(r[0] == "Serial", 11, v) + 4); w < need {
					t.Errorf("Cards column %s is %.1f wide; %q needs %.1f in DejaVu Sans", col, w, v, need)
				}
			}
		}
	}
}
