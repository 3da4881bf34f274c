package app

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"topupcards/data"
	"topupcards/data/sqlite"
	"topupcards/views"
)

// newWindow opens the main window on a new file with a batch of 8.00 USD
// cards per series (in series order), and waits until it has loaded.
func newWindow(t *testing.T, batches map[string]int) (*MainWindow, *sqlite.Store) {
	t.Helper()
	a := test.NewTempApp(t)
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cards.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	series := make([]string, 0, len(batches))
	for k := range batches {
		series = append(series, k)
	}
	sort.Strings(series)
	for _, k := range series {
		if _, err := s.Generate(context.Background(), data.GenerateParams{Amount: 800, Quantity: batches[k], Series: k}, nil); err != nil {
			t.Fatal(err)
		}
	}
	m := newMainWindow(a, s, &views.Tasks{Synchronous: true})
	t.Cleanup(m.Close)
	m.Tasks.Wait()
	return m, s
}

// The Export dialog, driven as a person would, writes a real workbook of the
// current search through the export package.
func TestWindowExportDialogWritesWorkbook(t *testing.T) {
	m, s := newWindow(t, map[string]int{"3": 12, "4": 12})
	ctx := context.Background()
	// Search series 4 only, then export it.
	test.Type(m.View.Search.SerialFrom, "4")
	test.Type(m.View.Search.SerialTo, "4")
	m.View.Search.Submit()
	m.Tasks.Wait()
	m.View.ShowExport()
	m.Tasks.Wait()
	d := m.View.LastExport
	if d == nil {
		t.Fatal("no export dialog")
	}
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "12 cards") {
		t.Errorf("info %q", d.Info.Text)
	}
	// A redeem address without {pin} is refused before anything is written.
	d.Template.SetText("https://billing.example.com/redeem")
	m.Tasks.Wait()
	if !d.Problem.Visible() || !d.SaveAs.Disabled() {
		t.Errorf("bad template accepted: %q", d.Problem.Text)
	}
	d.Template.SetText("https://billing.example.com/redeem?pin={pin}")
	d.Format.SetSelected("Excel voucher sheet (.xlsx)")
	d.Paper.SetSelected("Letter")
	d.Across.SetSelected("2")
	m.Tasks.Wait()
	path := filepath.Join(t.TempDir(), "series4.xlsx")
	d.Start(path, false)
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "Exported 12 cards") {
		t.Fatalf("result %q, problem %q", d.Info.Text, d.Problem.Text)
	}
	xf, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	cells, _ := xf.GetPictureCells("Vouchers")
	rows, _ := xf.GetRows("Cards")
	if len(cells) != 12 || len(rows) != 13 || !strings.HasPrefix(rows[1][0], "4-") {
		t.Errorf("%d pictures, %d rows, first %v", len(cells), len(rows), rows[1])
	}
	pl, _ := xf.GetPageLayout("Vouchers")
	if *pl.Size != 1 {
		t.Errorf("paper %d, want Letter (1)", *pl.Size)
	}
	// Exporting again to the same name without agreeing to replace it is refused.
	d.Start(path, false)
	m.Tasks.Wait()
	if !strings.Contains(d.Problem.Text, "exists") {
		t.Errorf("overwrite: %q", d.Problem.Text)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	h, _ := s.History(ctx, 1)
	if len(h) != 1 || h[0].Action != "print run" || h[0].Cards != 12 {
		t.Errorf("history %+v", h)
	}
}

// The Export dialog's PDF: a preview of the first page before anything is
// written, then the file on the chosen stock, recorded as a print run.
func TestWindowExportDialogPDF(t *testing.T) {
	m, s := newWindow(t, map[string]int{"3": 14})
	ctx := context.Background()
	m.View.ShowExport()
	m.Tasks.Wait()
	d := m.View.LastExport
	m.Tasks.Wait()
	if d.Format.Selected != "PDF voucher sheets (.pdf)" {
		t.Fatalf("default format %q", d.Format.Selected)
	}
	d.Layout.SetSelected("cards-a4-10up")
	d.CutMarks.SetChecked(true)
	d.Colours.SetText("8.00=#2E7D32")
	m.Tasks.Wait()
	if d.Preview.Image == nil || d.Preview.Image.Bounds().Dx() != 460 {
		t.Fatalf("no preview (problem %q)", d.Problem.Text)
	}
	d.Colours.SetText("8.00=green")
	m.Tasks.Wait()
	if !d.Problem.Visible() || !d.SaveAs.Disabled() {
		t.Errorf("a bad colour was accepted: %q", d.Problem.Text)
	}
	d.Colours.SetText("8.00=#2E7D32")
	m.Tasks.Wait()
	path := filepath.Join(t.TempDir(), "cards.pdf")
	d.Start(path, false)
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "Exported 14 cards") || !strings.Contains(d.Info.Text, "3 pages") {
		t.Fatalf("result %q, problem %q", d.Info.Text, d.Problem.Text)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b[:5]), "%PDF-") {
		t.Fatalf("not a PDF: %v", err)
	}
	runs, _ := s.PrintRuns(ctx, 1)
	if len(runs) != 1 || runs[0].Format != data.PrintPDF || runs[0].Layout != "cards-a4-10up" || runs[0].Cards != 14 {
		t.Errorf("print runs %+v", runs)
	}
	// The table says at once that the cards were printed, without a new search.
	m.View.Table.RowsText(0, 14) // loads the pages
	m.Tasks.Wait()
	rows := m.View.Table.RowsText(0, 14)
	if len(rows) != 14 {
		t.Fatalf("table has %d rows loaded", len(rows))
	}
	for _, r := range rows {
		if got := r[len(r)-1]; got != "1×" {
			t.Fatalf("Printed column %q after the export, want 1×", got)
		}
	}
}

// The Export dialog says, before and after, which cards cannot be sold and
// are left out of the voucher sheets; ticking Include void cards prints
// them stamped.
func TestWindowExportDialogVoidCards(t *testing.T) {
	m, s := newWindow(t, map[string]int{"3": 10})
	ctx := context.Background()
	cards, _, _ := s.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, 3)
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{cards[0].ID, cards[1].ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redeem(ctx, cards[2].PIN, "Rose Orig"); err != nil {
		t.Fatal(err)
	}
	m.View.ShowExport()
	m.Tasks.Wait()
	d := m.View.LastExport
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "10 cards") || !strings.Contains(d.Info.Text, "7 will be printed") ||
		!strings.Contains(d.Info.Text, "2 blocked, 1 redeemed") || d.IncludeVoid.Disabled() {
		t.Errorf("info before: %q", d.Info.Text)
	}
	path := filepath.Join(t.TempDir(), "sellable.pdf")
	d.Start(path, false)
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "Exported 7 cards") || !strings.Contains(d.Info.Text, "Left out: 2 blocked, 1 redeemed (tick Include void cards") {
		t.Fatalf("result %q, problem %q", d.Info.Text, d.Problem.Text)
	}
	d.IncludeVoid.SetChecked(true)
	m.Tasks.Wait()
	if strings.Contains(d.Info.Text, "left out") || !strings.Contains(d.Info.Text, "stamped") {
		t.Errorf("info with void cards: %q", d.Info.Text)
	}
	d.Start(filepath.Join(t.TempDir(), "all.pdf"), false)
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "Exported 10 cards") || !strings.Contains(d.Info.Text, "3 cards that cannot be sold are printed stamped") {
		t.Fatalf("result %q, problem %q", d.Info.Text, d.Problem.Text)
	}
	// A card list has every card and no such box.
	d.Format.SetSelected("CSV card list (.csv)")
	m.Tasks.Wait()
	if !d.IncludeVoid.Disabled() || strings.Contains(d.Info.Text, "left out") {
		t.Errorf("CSV: box enabled %t, info %q", !d.IncludeVoid.Disabled(), d.Info.Text)
	}
}
