package views

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// historyActions lists the actions of the newest history entries.
func historyActions(t *testing.T, s data.Store) []data.HistoryEntry {
	t.Helper()
	hs, err := s.History(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// TestHidePINsRevealIsOnTheRecord: PINs are masked in the table and the
// selection by default; showing or copying one card's PIN, or showing all,
// is written to the history with the card's serial, and only then done.
func TestHidePINsRevealIsOnTheRecord(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	v := h.view
	if !v.HidePINs.Checked {
		t.Fatal("Hide PINs is off by default")
	}
	v.Table.Table.Select(widgetCell(0, colSerial))
	c, ok := v.Table.Selected()
	if !ok {
		t.Fatal("no card selected")
	}
	if strings.Contains(v.Selection.Text, data.GroupPIN(c.PIN)) || !strings.Contains(v.Selection.Text, data.MaskPIN(c.PIN)) {
		t.Fatalf("selection %q shows the whole PIN or not its mask", v.Selection.Text)
	}
	before := len(historyActions(t, s))
	test.Tap(v.ShowPIN)
	h.tasks.Wait()
	if !strings.Contains(v.Selection.Text, data.GroupPIN(c.PIN)) {
		t.Fatalf("Show PIN: selection %q", v.Selection.Text)
	}
	hs := historyActions(t, s)
	if len(hs) != before+1 || hs[0].Action != data.RevealShown || !strings.Contains(hs[0].Detail, c.Serial.String()) {
		t.Fatalf("history after Show PIN: %+v", hs[0])
	}
	if strings.Contains(hs[0].Detail, c.PIN) {
		t.Fatalf("the history holds the PIN: %q", hs[0].Detail)
	}
	// Another card: masked again.
	v.Table.Table.Select(widgetCell(1, colSerial))
	c2, _ := v.Table.Selected()
	if strings.Contains(v.Selection.Text, data.GroupPIN(c2.PIN)) {
		t.Fatalf("the next card's PIN shows without asking: %q", v.Selection.Text)
	}
	test.Tap(v.CopyPIN)
	h.tasks.Wait()
	if got := fyne.CurrentApp().Clipboard().Content(); got != c2.PIN {
		t.Fatalf("clipboard %q, want the PIN", got)
	}
	if hs := historyActions(t, s); hs[0].Action != data.RevealCopied || !strings.Contains(hs[0].Detail, c2.Serial.String()) {
		t.Fatalf("history after Copy PIN: %+v", hs[0])
	}
	// Showing every PIN: on the record, and the table shows them.
	test.Tap(v.HidePINs)
	h.tasks.Wait()
	if hs := historyActions(t, s); hs[0].Action != data.RevealAll {
		t.Fatalf("history after unhiding: %+v", hs[0])
	}
	if rows := h.rows(t); !strings.Contains(rows[0][colPIN], data.GroupPIN(c.PIN)[:4]) || strings.Contains(rows[0][colPIN], "•") {
		t.Fatalf("PINs still hidden: %q", rows[0][colPIN])
	}
	if fyne.CurrentApp().Preferences().Bool(prefHidePINs) {
		t.Fatal("the setting was not kept")
	}
	// Hiding again is not an act on the record.
	n := len(historyActions(t, s))
	test.Tap(v.HidePINs)
	h.tasks.Wait()
	if len(historyActions(t, s)) != n || !strings.Contains(h.rows(t)[0][colPIN], "•") {
		t.Fatal("hiding PINs again wrote history or did not hide")
	}
}

// TestTableFollowsChanges: a redemption made by another process shows in
// the rows on screen when the watcher looks (PRAGMA data_version), and an
// export's print run shows in the Printed column without a new search;
// the scroll position is kept.
func TestTableFollowsChanges(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cards.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mustGen(t, s, data.GenerateParams{Amount: 800, Quantity: 400, Series: "3"})
	h := newHarness(t, s)
	v := h.view
	other, err := sqlite.Open(context.Background(), path) // another process's store
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	v.checkChanged(context.Background(), s) // the version now
	v.Table.Table.ScrollToBottom()
	rows := h.rows(t)
	last := rows[len(rows)-1]
	if last[colStatus] != "new" {
		t.Fatalf("last row %v", last)
	}
	cards, _, err := other.Page(context.Background(), data.Filter{}, data.Sort{Desc: true}, data.Cursor{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Redeem(context.Background(), cards[0].PIN, "Walk-in"); err != nil {
		t.Fatal(err)
	}
	v.checkChanged(context.Background(), s)
	h.tasks.Wait()
	rows = h.rows(t)
	if got := rows[len(rows)-1]; got[colStatus] != "activated" || !strings.HasPrefix(got[colActivated], "Walk-in") {
		t.Fatalf("after another process redeemed: last row %v", got)
	}
	if !strings.Contains(v.Footer.Text, "399 unredeemed") && !strings.Contains(v.Footer.Text, "3,192.00 USD unredeemed") {
		t.Errorf("footer not refreshed: %q", v.Footer.Text)
	}
	// Nothing changed: no refresh (the row cache is kept as it is).
	v.Table.pages[0][0].Reseller = "marker"
	v.checkChanged(context.Background(), s)
	h.tasks.Wait()
	if v.Table.pages[0][0].Reseller != "marker" {
		t.Error("refreshed although nothing changed")
	}
}

// TestSearchChipsStaleAndChoices: choosing a status searches at once; the
// active search shows as chips whose × removes that part; a refused search
// says that the rows are the last search's; Mass Edit says when the fields
// were edited since the last search.
func TestSearchChipsStaleAndChoices(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	v := h.view
	v.Search.Status.SetSelected("blocked")
	h.tasks.Wait()
	if v.Filter().Status != data.StatusBlocked || v.Table.Rows() != 3 {
		t.Fatalf("choosing a status did not search: %+v, %d rows", v.Filter(), v.Table.Rows())
	}
	test.Type(v.Search.SerialFrom, "3")
	v.Search.Submit()
	h.tasks.Wait()
	if got := strings.Join(v.chips.labels, " | "); got != "Serial from series 3 | Status: blocked" {
		t.Fatalf("chips %q", got)
	}
	if !strings.HasSuffix(v.Footer.Text, "3 cards match") && !strings.Contains(v.Footer.Text, "3 cards match") {
		t.Errorf("footer %q", v.Footer.Text)
	}
	test.Tap(v.chips.chips[1]) // × on the status
	h.tasks.Wait()
	if v.Filter().Status != "" || v.Search.Status.SelectedIndex() != 0 || v.Table.Rows() != 30 {
		t.Fatalf("chip × left %+v, %d rows", v.Filter(), v.Table.Rows())
	}
	// One card: "matches".
	test.Type(v.Search.SerialTo, "3-000000001")
	v.Search.Submit()
	h.tasks.Wait()
	if !strings.Contains(v.Footer.Text, "1 card matches") {
		t.Errorf("footer %q, want 1 card matches", v.Footer.Text)
	}
	// A refused search keeps the rows and says so.
	v.Search.AmountFrom.SetText("lots")
	v.Search.Submit()
	if !v.Stale.Visible() || !strings.Contains(v.Stale.Text, "still those of the last search") || v.Table.Rows() != 1 {
		t.Fatalf("stale %v %q, rows %d", v.Stale.Visible(), v.Stale.Text, v.Table.Rows())
	}
	// Mass Edit while the fields say something else.
	v.ShowMassEdit()
	h.tasks.Wait()
	if m := v.lastMassEdit; m == nil || !m.SearchEdited.Visible() || !strings.Contains(m.SearchEdited.Text, "acts on the last search run") {
		t.Fatal("Mass Edit does not say the fields were edited since the search")
	}
	v.Search.AmountFrom.SetText("")
	v.Search.Submit()
	h.tasks.Wait()
	if v.Stale.Visible() {
		t.Error("stale notice stays after a good search")
	}
	v.ShowMassEdit()
	h.tasks.Wait()
	if v.lastMassEdit.SearchEdited.Visible() {
		t.Error("Mass Edit warns although the fields are what was searched")
	}
}

func widgetCell(row, col int) widget.TableCellID { return widget.TableCellID{Row: row, Col: col} }

// TestColumnsFitContentAndWindow: the Reseller column fits the longest
// name, and the columns fill a wide window instead of leaving it empty.
func TestColumnsFitContentAndWindow(t *testing.T) {
	s := fixture(t)
	if _, err := s.AddReseller(context.Background(), "Acme Mobile Services International"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s)
	v := h.view
	for _, w := range []float32{900, 1280, 1920} {
		h.win.Resize(fyne.NewSize(w, 800))
		tw := v.Table.Size().Width
		var sum float32
		for i := range numCols {
			sum += v.Table.widths[i]
		}
		if need := cellWidth("Acme Mobile Services International"); v.Table.widths[colReseller] < need {
			t.Errorf("window %v: Reseller column %v, the name needs %v", w, v.Table.widths[colReseller], need)
		}
		if sum < tw*0.9 && w > 1000 {
			t.Errorf("window %v: columns fill %v of the table's %v", w, sum, tw)
		}
	}
}

// TestSettingsHidePINs: the Settings dialog holds Hide PINs too; turning it
// off there is the same act on the record as the check under the table.
func TestSettingsHidePINs(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	v := h.view
	v.ShowSettings()
	d := v.lastSettings
	if !d.HidePINs.Checked {
		t.Fatal("Settings shows Hide PINs off by default")
	}
	d.HidePINs.SetChecked(false)
	d.save()
	h.tasks.Wait()
	if v.HidePINs.Checked || v.Table.hidePINs {
		t.Fatal("Save in Settings did not show the PINs")
	}
	if hs := historyActions(t, s); hs[0].Action != data.RevealAll {
		t.Fatalf("showing PINs from Settings is not on the record: %+v", hs[0])
	}
}
