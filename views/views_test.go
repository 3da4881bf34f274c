package views

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// newStore opens a real SQLite file in a temp dir.
func newStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "cards.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustGen(tb testing.TB, s *sqlite.Store, p data.GenerateParams) data.Batch {
	tb.Helper()
	b, err := s.Generate(context.Background(), p, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixture: two resellers, three batches, some redeemed, some blocked, one expired batch.
func fixture(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s := newStore(tb)
	ctx := context.Background()
	for _, n := range []string{"Reseller 1", "Acme Mobile"} {
		if _, err := s.AddReseller(ctx, n); err != nil {
			tb.Fatal(err)
		}
	}
	mustGen(tb, s, data.GenerateParams{Amount: 800, Quantity: 30, Series: "3", Reseller: "Reseller 1",
		ExpiresAt: time.Now().Add(48 * time.Hour)})
	mustGen(tb, s, data.GenerateParams{Amount: 2600, Quantity: 20, Series: "2", Reseller: "Acme Mobile"})
	mustGen(tb, s, data.GenerateParams{Amount: 1500, Currency: "EUR", Quantity: 10, Series: "1", CheckDigit: true, PINLength: 14})
	// Redeem the first three cards of series 2 for Rose Orig.
	cards, _, err := s.Page(ctx, data.Filter{Batch: 2}, data.Sort{}, data.Cursor{}, 3)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cards {
		if _, err := s.Redeem(ctx, c.PIN, "Rose Orig"); err != nil {
			tb.Fatal(err)
		}
	}
	sf, st := data.Serial{Series: "3", Number: 10}, data.Serial{Series: "3", Number: 12}
	if _, err := s.MassEdit(ctx, data.Filter{SerialFrom: &sf, SerialTo: &st}, data.Edit{Block: data.BlockSet}); err != nil {
		tb.Fatal(err)
	}
	return s
}

type harness struct {
	store *sqlite.Store
	win   fyne.Window
	tasks *Tasks
	view  *MainView
}

func newHarness(t *testing.T, s *sqlite.Store) *harness {
	t.Helper()
	// The tests read en-US text, whatever the machine's locale.
	test.NewTempApp(t).Preferences().SetString(PrefLocale, "en-US")
	tasks := &Tasks{Synchronous: true}
	w := test.NewTempWindow(t, nil)
	v := NewMainView(s, w, tasks)
	w.SetContent(v)
	w.Resize(fyne.NewSize(1280, 800))
	v.LoadInBackground()
	tasks.Wait()
	return &harness{store: s, win: w, tasks: tasks, view: v}
}

// rows returns the text of every row of the table, loading pages as needed.
func (h *harness) rows(t *testing.T) [][]string {
	t.Helper()
	n := h.view.Table.Rows()
	h.view.Table.RowsText(0, n) // starts page loads
	h.tasks.Wait()
	out := h.view.Table.RowsText(0, n)
	if len(out) != n {
		t.Fatalf("loaded %d of %d rows", len(out), n)
	}
	return out
}

func (h *harness) search(t *testing.T) {
	t.Helper()
	h.view.Search.Submit()
	h.tasks.Wait()
}

func TestTableShowsStoreRowsInSeedFormats(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	rows := h.rows(t)
	if len(rows) != 60 {
		t.Fatalf("table has %d rows, want 60", len(rows))
	}
	created := regexp.MustCompile(`^\d\d/\d\d/\d{4} \d{1,2}:\d\d:\d\d [AP]M [+-]\d{4}$`)
	// PINs are hidden by default: only the last four digits show.
	pin := regexp.MustCompile(`^•••• •••• \d{4}$`)
	activated := regexp.MustCompile(`^Rose Orig \d\d/\d\d/\d{4}$`)
	// Default order: serial ascending, series "1" first.
	if rows[0][colSerial] != "1-000000001" || rows[10][colSerial] != "2-000000001" {
		t.Errorf("first serials %q, %q", rows[0][colSerial], rows[10][colSerial])
	}
	seen := map[string]int{}
	for _, r := range rows {
		seen[r[colStatus]]++
		if !created.MatchString(r[colCreated]) {
			t.Errorf("created %q not like 05/11/2018 3:08:17 PM +0000", r[colCreated])
		}
		if strings.HasPrefix(r[colSerial], "2-") || strings.HasPrefix(r[colSerial], "3-") {
			if !pin.MatchString(r[colPIN]) {
				t.Errorf("PIN %q not masked to its last four digits", r[colPIN])
			}
		}
		switch r[colSerial] {
		case "2-000000001":
			if r[colAmount] != "26.00 USD" || r[colReseller] != "Acme Mobile" || !activated.MatchString(r[colActivated]) {
				t.Errorf("row %v", r)
			}
		case "1-000000001":
			if r[colAmount] != "15.00 EUR" || r[colReseller] != "—" || r[colActivated] != "—" || r[colExpiry] != "—" {
				t.Errorf("row %v", r)
			}
		}
	}
	if seen["new"] != 54 || seen["activated"] != 3 || seen["blocked"] != 3 {
		t.Errorf("statuses %v", seen)
	}
	if got := h.view.Footer.Text; !strings.Contains(got, "60 cards") || !strings.Contains(got, "150.00 EUR face value") ||
		!strings.Contains(got, "760.00 USD face value (682.00 USD unredeemed)") {
		t.Errorf("footer %q", got)
	}
	if h.view.Empty.Visible() {
		t.Error("empty-state message shown over a full table")
	}
}

func TestSortingByHeader(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	h.view.Table.TapHeader(colAmount)
	h.tasks.Wait()
	rows := h.rows(t)
	if rows[0][colAmount] != "8.00 USD" || rows[len(rows)-1][colAmount] != "26.00 USD" {
		t.Errorf("amount asc: first %q last %q", rows[0][colAmount], rows[len(rows)-1][colAmount])
	}
	h.view.Table.TapHeader(colAmount) // again: reversed
	h.tasks.Wait()
	rows = h.rows(t)
	if rows[0][colAmount] != "26.00 USD" || rows[len(rows)-1][colAmount] != "8.00 USD" {
		t.Errorf("amount desc: first %q last %q", rows[0][colAmount], rows[len(rows)-1][colAmount])
	}
	if got := h.view.Table.Sort(); got.Column != data.ColAmount || !got.Desc {
		t.Errorf("sort %+v", got)
	}
	h.view.Table.TapHeader(colSerial)
	h.tasks.Wait()
	rows = h.rows(t)
	if rows[0][colSerial] != "1-000000001" {
		t.Errorf("serial asc first %q", rows[0][colSerial])
	}
	h.view.Table.TapHeader(colActivated)
	h.tasks.Wait()
	h.view.Table.TapHeader(colActivated)
	h.tasks.Wait()
	rows = h.rows(t)
	if !strings.HasPrefix(rows[0][colActivated], "Rose Orig") {
		t.Errorf("activated desc first %q", rows[0][colActivated])
	}
}

func TestEachSearchFieldNarrowsTable(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	sp := h.view.Search
	ctx := context.Background()
	c3, _, _ := s.Page(ctx, data.Filter{Batch: 1}, data.Sort{}, data.Cursor{}, 1)
	soon := time.Now().Add(24 * time.Hour).Format("2006-01-02")
	far := time.Now().Add(72 * time.Hour).Format("2006-01-02")
	today := time.Now().Format("2006-01-02")
	cases := []struct {
		name string
		set  func()
		want int
	}{
		{"serial range", func() { test.Type(sp.SerialFrom, "3-5"); test.Type(sp.SerialTo, "3-9") }, 5},
		{"series only", func() { test.Type(sp.SerialFrom, "2"); test.Type(sp.SerialTo, "2") }, 20},
		{"pin with spaces", func() { test.Type(sp.PIN, data.GroupPIN(c3[0].PIN)) }, 1},
		{"status activated", func() { sp.Status.SetSelected("activated") }, 3},
		{"status blocked", func() { sp.Status.SetSelected("blocked") }, 3},
		{"status new", func() { sp.Status.SetSelected("new") }, 54},
		{"company", func() { sp.Reseller.SetSelected("Acme Mobile") }, 20},
		{"amount range", func() { test.Type(sp.AmountFrom, "10"); test.Type(sp.AmountTo, "20.00") }, 10},
		{"expiry range", func() { test.Type(sp.ExpiryFrom.Entry, soon); test.Type(sp.ExpiryTo.Entry, far) }, 30},
		{"client", func() { test.Type(sp.Client, "rose") }, 3},
		{"activation date", func() { test.Type(sp.ActivatedFrom.Entry, today); test.Type(sp.ActivatedTo.Entry, today) }, 3},
		{"batch", func() { sp.Batch.SetSelectedIndex(1) }, 10}, // newest first: batch 3
		{"combined", func() { sp.Reseller.SetSelected("Reseller 1"); sp.Status.SetSelected("new") }, 27},
	}
	for _, c := range cases {
		sp.clear()
		c.set()
		h.search(t)
		if got := h.view.Table.Rows(); got != c.want {
			t.Errorf("%s: %d rows, want %d (filter %s)", c.name, got, c.want, h.view.Filter().Describe())
		}
		if c.want > 0 && len(h.rows(t)) != c.want {
			t.Errorf("%s: rows not loadable", c.name)
		}
	}
	// A search matching nothing says so.
	sp.clear()
	test.Type(sp.Client, "nobody")
	h.search(t)
	if h.view.Table.Rows() != 0 || !h.view.Empty.Visible() || !strings.Contains(h.view.EmptyText.Text, "No cards match") {
		t.Errorf("no-match state: rows %d, empty %v %q", h.view.Table.Rows(), h.view.Empty.Visible(), h.view.EmptyText.Text)
	}
	// Reset shows everything again.
	test.Tap(sp.ResetBtn)
	h.tasks.Wait()
	if h.view.Table.Rows() != 60 {
		t.Errorf("after reset %d rows", h.view.Table.Rows())
	}
}

func TestInvalidSearchInputIsMarked(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	sp := h.view.Search
	cases := []struct {
		name  string
		set   func()
		row   string
		entry func() error
	}{
		{"bad serial", func() { test.Type(sp.SerialFrom, "3-abc") }, "serial", func() error { return sp.SerialFrom.Validate() }},
		{"swapped serials", func() { test.Type(sp.SerialFrom, "3-9"); test.Type(sp.SerialTo, "3-2") }, "serial", nil},
		{"bad pin", func() { test.Type(sp.PIN, "12ab") }, "pin", func() error { return sp.PIN.Validate() }},
		{"bad amount", func() { test.Type(sp.AmountFrom, "8.00001") }, "amount", func() error { return sp.AmountFrom.Validate() }},
		{"swapped amounts", func() { test.Type(sp.AmountFrom, "20"); test.Type(sp.AmountTo, "10") }, "amount", nil},
		{"bad date", func() { test.Type(sp.ExpiryFrom.Entry, "31/01/2027") }, "expiry", func() error { return sp.ExpiryFrom.Entry.Validate() }},
		{"bad activation date", func() { test.Type(sp.ActivatedTo.Entry, "2027-13-01") }, "activated", nil},
	}
	for _, c := range cases {
		sp.Reset()
		h.tasks.Wait()
		c.set()
		before := h.view.Filter()
		h.search(t)
		r := sp.rows[c.row]
		if !r.Error.Visible() || r.Error.Text == "" {
			t.Errorf("%s: no error shown under %s", c.name, c.row)
		}
		if c.entry != nil && c.entry() == nil {
			t.Errorf("%s: entry not invalid", c.name)
		}
		if h.view.Filter().Describe() != before.Describe() || h.view.Table.Rows() != 60 {
			t.Errorf("%s: the search ran anyway", c.name)
		}
	}
}

func TestGenerateValidatesGeneratesAndShowsBatch(t *testing.T) {
	s := newStore(t)
	h := newHarness(t, s)
	if !h.view.Empty.Visible() || !strings.Contains(h.view.EmptyText.Text, "No cards yet") {
		t.Fatalf("empty file should say what to do first, got %q", h.view.EmptyText.Text)
	}
	h.view.ShowGenerate()
	h.tasks.Wait()
	g := h.view.lastGenerate
	if g == nil {
		t.Fatal("no generate dialog")
	}
	// Invalid inputs are marked and nothing is generated.
	test.Type(g.Amount, "8.001")
	test.Type(g.Quantity, "0")
	test.Type(g.Series, "3-x")
	h.tasks.Wait()
	g.Submit()
	h.tasks.Wait()
	for _, k := range []string{"amount", "quantity", "series"} {
		if !g.rows[k].Error.Visible() {
			t.Errorf("field %s not marked invalid", k)
		}
	}
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 0 {
		t.Fatalf("invalid input made %d cards", n)
	}
	// Guessability guard: 5-digit PINs, 2,000 cards is > 1% of 100,000.
	g.Amount.SetText("8.00")
	g.Quantity.SetText("2000")
	g.Series.SetText("3")
	g.PINLength.SetText("5")
	h.tasks.Wait()
	if !g.Problem.Visible() || !strings.Contains(g.Problem.Text, "Refused") {
		t.Errorf("refusal not shown: %q", g.Problem.Text)
	}
	g.Submit()
	h.tasks.Wait()
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 0 {
		t.Fatalf("refused batch made %d cards", n)
	}
	// A valid batch: the preview says what it will be.
	g.Quantity.SetText("250")
	g.PINLength.SetText("12")
	h.tasks.Wait()
	if !strings.Contains(g.Preview.Text, "Serials 3-000000001 to 3-000000250") || !strings.Contains(g.Preview.Text, "2,000.00 USD") {
		t.Errorf("preview %q", g.Preview.Text)
	}
	g.Submit()
	h.tasks.Wait()
	n, _ := s.Count(context.Background(), data.Filter{})
	if n != 250 {
		t.Fatalf("generated %d cards, want 250", n)
	}
	if h.view.Filter().Batch != 1 || h.view.Table.Rows() != 250 || h.view.Search.Batch.SelectedIndex() != 1 {
		t.Errorf("table not filtered to the new batch: filter %+v rows %d", h.view.Filter(), h.view.Table.Rows())
	}
}

func TestGenerateCancelLeavesNothing(t *testing.T) {
	s := newStore(t)
	h := newHarness(t, s)
	h.view.ShowGenerate()
	h.tasks.Wait()
	g := h.view.lastGenerate
	test.Type(g.Amount, "5")
	test.Type(g.Quantity, "300000")
	test.Type(g.Series, "9")
	h.tasks.Wait()
	// Cancelling needs the generation in the background, as in the window.
	h.tasks.Synchronous = false
	g.Submit()
	g.Stop()
	h.tasks.Wait()
	ctx := context.Background()
	if n, _ := s.Count(ctx, data.Filter{}); n != 0 {
		t.Errorf("cancel left %d cards", n)
	}
	if bs, _ := s.Batches(ctx); len(bs) != 0 {
		t.Errorf("cancel left batches %v", bs)
	}
	if !strings.Contains(g.Problem.Text, "Cancelled") {
		t.Errorf("cancel not reported: %q", g.Problem.Text)
	}
}

func TestMassEditAppliesExactlyToMatched(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	ctx := context.Background()
	before, _ := s.CardsByID(ctx, mustIDs(t, s, data.Filter{}))
	h.view.Search.Reseller.SetSelected("Acme Mobile")
	h.view.Search.Status.SetSelected("new")
	h.search(t)
	h.view.ShowMassEdit()
	h.tasks.Wait()
	m := h.view.lastMassEdit
	if !strings.Contains(m.Count.Text, "17 cards") || len(m.cards) != 17 {
		t.Fatalf("count %q, preview %d", m.Count.Text, len(m.cards))
	}
	// Nothing chosen: refused.
	if _, err := m.Edit(); err == nil {
		t.Error("a no-op edit was accepted")
	}
	m.ExpiryMode.SetSelected(choiceSet)
	test.Type(m.Expiry.Entry, "2030-05-14 12:30")
	m.Company.SetSelected("Reseller 1")
	m.StatusMode.SetSelected(choiceBlock)
	e, err := m.Edit()
	if err != nil {
		t.Fatal(err)
	}
	m.Apply(ctx, e)
	h.tasks.Wait()
	after, _ := s.CardsByID(ctx, mustIDs(t, s, data.Filter{}))
	changed := 0
	want := time.Date(2030, 5, 14, 12, 30, 0, 0, time.Local)
	for i := range before {
		b, a := before[i], after[i]
		matched := b.Reseller == "Acme Mobile" && b.StatusAt(time.Now()) == data.StatusNew
		if matched {
			changed++
			if !a.ExpiresAt.Equal(want) || a.Reseller != "Reseller 1" || !a.Blocked {
				t.Errorf("matched card %s not edited: %+v", a.Serial, a)
			}
		} else if a != b {
			t.Errorf("unmatched card %s changed:\n%+v\n%+v", a.Serial, b, a)
		}
	}
	if changed != 17 {
		t.Errorf("%d matched", changed)
	}
	hs, _ := s.History(context.Background(), 1)
	if len(hs) != 1 || hs[0].Action != "edit" || hs[0].Cards != 17 || !hs[0].Undoable {
		t.Errorf("history after the mass edit: %+v", hs)
	}
}

func mustIDs(t *testing.T, s *sqlite.Store, f data.Filter) []int64 {
	t.Helper()
	ids, err := s.IDs(context.Background(), f, data.Sort{})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestDeleteAllNeedsTypedConfirmation(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	h.view.ShowMassEdit()
	h.tasks.Wait()
	m := h.view.lastMassEdit
	test.Tap(m.DeleteAll)
	c := m.Confirm
	if c == nil || !c.OK.Disabled() {
		t.Fatal("delete all did not ask for a typed confirmation")
	}
	test.Type(c.Entry, "DELETE")
	if !c.OK.Disabled() {
		t.Error("a partial phrase enabled Delete")
	}
	test.Tap(c.OK)
	h.tasks.Wait()
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 60 {
		t.Fatalf("deleted without the full phrase: %d cards left", n)
	}
	c.Entry.SetText("DELETE ALL")
	test.Tap(c.OK)
	h.tasks.Wait()
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 0 {
		t.Fatalf("%d cards left after delete all", n)
	}
	if h.view.Table.Rows() != 0 || !strings.Contains(h.view.EmptyText.Text, "No cards yet") {
		t.Errorf("table not refreshed: %d rows", h.view.Table.Rows())
	}
	// Undo in History & Backups brings the cards back.
	h.view.ShowHistory()
	h.tasks.Wait()
	hd := h.view.lastHistory
	if len(hd.entries) == 0 || hd.entries[0].Action != "delete all" || !hd.entries[0].Undoable {
		t.Fatalf("history newest first: %+v", hd.entries)
	}
	// The newest row offers Undo; a row that cannot be undone does not.
	cell := hd.newHistoryCell()
	hd.updateHistoryCell(widget.TableCellID{Row: 0, Col: histColUndo}, cell)
	undo := cell.(*clickCell).content.(*fyne.Container).Objects[1].(*widget.Button)
	if !undo.Visible() || undo.Text != "Undo" {
		t.Fatal("the delete all row shows no Undo")
	}
	undo.OnTapped()
	if hd.undoConfirm == nil {
		t.Fatal("Undo did not ask first")
	}
	hd.Undo(context.Background(), hd.entries[0].ID)
	h.tasks.Wait()
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 60 {
		t.Errorf("undo gave %d cards", n)
	}
	if h.view.Table.Rows() != 60 {
		t.Errorf("table after undo: %d rows", h.view.Table.Rows())
	}
	if !strings.Contains(hd.Note.Text, "60 deleted cards put back") {
		t.Errorf("after undo the dialog says %q", hd.Note.Text)
	}
	hd.updateHistoryCell(widget.TableCellID{Row: 0, Col: histColUndo}, cell)
	if undo.Visible() {
		t.Error("the undo entry itself offers Undo")
	}
	hd.updateHistoryCell(widget.TableCellID{Row: 1, Col: histColUndo}, cell)
	if undo.Visible() || !strings.Contains(cell.(*clickCell).content.(*fyne.Container).Objects[0].(*widget.Label).Text, "undone") {
		t.Error("the undone delete all still offers Undo")
	}
}

func TestDeleteMatchingNeedsConfirmation(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	h.view.Search.Status.SetSelected("blocked")
	h.search(t)
	h.view.ShowMassEdit()
	h.tasks.Wait()
	m := h.view.lastMassEdit
	test.Tap(m.DeleteMatch)
	test.Type(m.Confirm.Entry, "DELETE")
	test.Tap(m.Confirm.OK)
	h.tasks.Wait()
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 57 {
		t.Errorf("%d cards left, want 57", n)
	}
	if n, _ := s.Count(context.Background(), data.Filter{Status: data.StatusBlocked}); n != 0 {
		t.Errorf("%d blocked left", n)
	}
}

func TestRedeemShowsEachOutcome(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	ctx := context.Background()
	pick := func(f data.Filter) data.Card {
		cs, _, err := s.Page(ctx, f, data.Sort{}, data.Cursor{}, 1)
		if err != nil || len(cs) == 0 {
			t.Fatalf("no card for %+v: %v", f, err)
		}
		return cs[0]
	}
	fresh := pick(data.Filter{Status: data.StatusNew, Batch: 1})
	used := pick(data.Filter{Status: data.StatusActivated})
	blocked := pick(data.Filter{Status: data.StatusBlocked})
	checked := pick(data.Filter{Batch: 3})
	typo := checked.PIN[:len(checked.PIN)-1] + string('0'+(checked.PIN[len(checked.PIN)-1]-'0'+1)%10)
	h.view.ShowRedeem()
	r := h.view.lastRedeem
	try := func(pin, client string) string {
		r.PIN.SetText(pin)
		r.Client.SetText(client)
		test.Tap(r.Redeem)
		h.tasks.Wait()
		return r.Result.Text
	}
	if got := try(data.GroupPIN(fresh.PIN), "Rose Orig"); !regexp.MustCompile(`^\d\d:\d\d:\d\d — Redeemed 8\.00 USD on card ` + fresh.Serial.String() + ` for Rose Orig\.$`).MatchString(got) {
		t.Errorf("redeemed: %q", got)
	}
	if got := try(used.PIN, "Bob"); !strings.Contains(got, "already activated by Rose Orig on ") {
		t.Errorf("already: %q", got)
	}
	if got := try(blocked.PIN, "Bob"); !strings.Contains(got, "blocked") {
		t.Errorf("blocked: %q", got)
	}
	if got := try(typo, "Bob"); !strings.Contains(got, "typo") {
		t.Errorf("typo: %q", got)
	}
	unknown := "12345678901"
	for d := '0'; d <= '9'; d++ {
		if data.LuhnValid(unknown + string(d)) {
			unknown += string(d)
			break
		}
	}
	if got := try(unknown, "Bob"); !strings.Contains(got, "no card has this PIN") {
		t.Errorf("not found: %q", got)
	}
	if got := try(fresh.PIN, ""); !strings.Contains(got, "Client name is empty") {
		t.Errorf("empty client: %q", got)
	}
	// Expired: move the clock past batch 1's expiry.
	s.SetClock(func() time.Time { return time.Now().Add(96 * time.Hour) })
	other := pick(data.Filter{Status: data.StatusExpired})
	if got := try(other.PIN, "Bob"); !strings.Contains(got, "expired on") {
		t.Errorf("expired: %q", got)
	}
	c, err := s.Card(ctx, fresh.ID)
	if err != nil || c.ActivatedBy != "Rose Orig" {
		t.Errorf("store: %+v %v", c, err)
	}
}

// Issue 10, item 1: the counter's flow. Enter redeems when both fields are
// filled; after a success the PIN and the client are cleared and the cursor
// is back in the PIN; a new PIN clears the old result; keeping the client
// is an explicit choice.
func TestRedeemAtTheCounter(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	ctx := context.Background()
	cards, _, err := s.Page(ctx, data.Filter{Status: data.StatusNew, Batch: 1}, data.Sort{}, data.Cursor{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	h.view.ShowRedeem()
	r := h.view.lastRedeem
	if h.win.Canvas().Focused() != r.PIN {
		t.Error("the dialog does not open with the cursor in the PIN")
	}
	// Enter in the PIN with no client goes to the client.
	test.Type(r.PIN, cards[0].PIN)
	r.PIN.OnSubmitted(r.PIN.Text)
	if h.win.Canvas().Focused() != r.Client {
		t.Error("Enter with no client did not move to the client")
	}
	test.Type(r.Client, "Maria Lopez")
	r.Client.OnSubmitted(r.Client.Text)
	h.tasks.Wait()
	if !strings.Contains(r.Result.Text, "Redeemed 8.00 USD on card "+cards[0].Serial.String()+" for Maria Lopez") {
		t.Fatalf("result %q", r.Result.Text)
	}
	if r.PIN.Text != "" || r.Client.Text != "" || h.win.Canvas().Focused() != r.PIN {
		t.Errorf("after a success: PIN %q, client %q, focus on the PIN %v", r.PIN.Text, r.Client.Text, h.win.Canvas().Focused() == r.PIN)
	}
	// Typing the next PIN clears the old success.
	test.Type(r.PIN, "4")
	if strings.Contains(r.Result.Text, "Redeemed") {
		t.Errorf("the old success stays next to a new PIN: %q", r.Result.Text)
	}
	// Keep the client: Enter in the PIN redeems at once.
	r.KeepClient.SetChecked(true)
	r.PIN.SetText(cards[1].PIN)
	r.Client.SetText("Ana")
	r.PIN.OnSubmitted(r.PIN.Text)
	h.tasks.Wait()
	if !strings.Contains(r.Result.Text, "for Ana") || r.Client.Text != "Ana" || r.PIN.Text != "" {
		t.Errorf("keep client: result %q, client %q", r.Result.Text, r.Client.Text)
	}
	// A refusal keeps the fields and puts the cursor back in the PIN.
	r.PIN.SetText(cards[1].PIN)
	test.Tap(r.Redeem)
	h.tasks.Wait()
	if !strings.Contains(r.Result.Text, "already activated by Ana") || r.PIN.Text == "" || h.win.Canvas().Focused() != r.PIN {
		t.Errorf("refusal: result %q, PIN %q", r.Result.Text, r.PIN.Text)
	}
	for _, c := range cards[:2] {
		got, err := s.Card(ctx, c.ID)
		if err != nil || got.ActivatedAt.IsZero() {
			t.Errorf("card %s not redeemed: %v", c.Serial, err)
		}
	}
}

func TestResellersDialog(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	h.view.ShowResellers()
	h.tasks.Wait()
	d := h.view.lastResellers
	if len(d.resellers) != 2 {
		t.Fatalf("%d resellers", len(d.resellers))
	}
	test.Type(d.Name, "Zeta Cards")
	test.Tap(d.Add)
	h.tasks.Wait()
	if len(d.resellers) != 3 || !strings.Contains(d.Message.Text, "Added") {
		t.Errorf("add: %d, %q", len(d.resellers), d.Message.Text)
	}
	test.Type(d.Name, "acme mobile")
	test.Tap(d.Add)
	h.tasks.Wait()
	if !strings.Contains(d.Message.Text, "exists already") {
		t.Errorf("duplicate: %q", d.Message.Text)
	}
	d.List.Select(0) // Acme Mobile owns cards
	test.Tap(d.Remove)
	h.tasks.Wait()
	if !strings.Contains(d.Message.Text, "still owns 20 cards") {
		t.Errorf("remove in use: %q", d.Message.Text)
	}
	d.List.Select(2) // Zeta Cards
	d.Name.SetText("Zeta Prepaid")
	test.Tap(d.Rename)
	h.tasks.Wait()
	if d.resellers[2].Name != "Zeta Prepaid" {
		t.Errorf("rename: %+v", d.resellers)
	}
	d.List.Select(2)
	test.Tap(d.Remove)
	h.tasks.Wait()
	if len(d.resellers) != 2 {
		t.Errorf("remove: %+v", d.resellers)
	}
}

// The Printed column and search follow the print runs.
func TestPrintedColumnAndSearch(t *testing.T) {
	s := fixture(t)
	ctx := context.Background()
	for range 2 {
		if _, err := s.RecordPrintRun(ctx, data.Filter{Batch: 3}, data.PrintRun{Format: data.PrintPDF, Layout: "cards-a4-10up", Path: "/tmp/b3.pdf"}); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, s)
	h.view.Search.Printed.SetSelected(printedBefore)
	h.search(t)
	rows := h.rows(t)
	if len(rows) != 10 {
		t.Fatalf("printed before: %d rows, want 10", len(rows))
	}
	for _, r := range rows {
		if r[colPrinted] != "2×" || !strings.HasPrefix(r[colSerial], "1-") {
			t.Errorf("row %v", r)
		}
	}
	h.view.Search.Printed.SetSelected(printedNever)
	h.search(t)
	if h.view.Table.Rows() != 50 || h.rows(t)[0][colPrinted] != "—" {
		t.Errorf("never printed: %d rows", h.view.Table.Rows())
	}
	h.view.ShowHistory()
	h.tasks.Wait()
	hd := h.view.lastHistory
	if len(hd.runs) != 2 || !strings.Contains(PrintRunText(hd.runs[0], data.Plain), "10 cards as PDF cards-a4-10up (10 reprints)") {
		t.Errorf("print runs %+v", hd.runs)
	}
}
