package views

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// press sends key as Fyne's desktop driver does: to the focused widget, or
// to the canvas when nothing has the focus.
func press(c fyne.Canvas, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// open is how many dialogs and pop-ups are open on the window.
func (h *harness) open() int { return len(h.win.Canvas().Overlays().List()) }

// Generate opens with the cursor in Amount; Tab goes to the currency and
// then to Quantity (the currency's arrow is no tab stop); Enter anywhere
// generates; the result's OK closes on Enter; Escape closes the dialog
// whatever has the focus.
func TestGenerateByKeyboard(t *testing.T) {
	s := newStore(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	h.view.ShowGenerate()
	h.tasks.Wait()
	g := h.view.lastGenerate
	if c.Focused() != g.Amount {
		t.Fatalf("focus starts in %T, not Amount", c.Focused())
	}
	typeIn(c, "8.00")
	test.FocusNext(c)
	if c.Focused() != g.Currency {
		t.Fatalf("Tab from Amount went to %T, not the currency", c.Focused())
	}
	test.FocusNext(c)
	if c.Focused() != g.Quantity {
		t.Fatalf("Tab from the currency went to %T, not Quantity (an extra tab stop)", c.Focused())
	}
	typeIn(c, "5")
	test.FocusNext(c)
	typeIn(c, "7")
	h.tasks.Wait()
	// Enter on the check box (not an entry) runs Generate too.
	c.Focus(g.CheckDigit)
	press(c, fyne.KeyReturn)
	h.tasks.Wait()
	if n, _ := s.Count(context.Background(), data.Filter{}); n != 5 {
		t.Fatalf("Enter made %d cards, want 5 (problem %q)", n, g.Problem.Text)
	}
	if h.open() != 1 {
		t.Fatalf("%d overlays after generating, want the result alone", h.open())
	}
	press(c, fyne.KeyReturn) // OK
	if h.open() != 0 {
		t.Fatal("Enter did not close the result")
	}

	// Escape with the cursor in a field, and with nothing focused.
	for _, unfocus := range []bool{false, true} {
		h.view.ShowGenerate()
		h.tasks.Wait()
		if unfocus {
			c.Unfocus()
		}
		press(c, fyne.KeyEscape)
		if h.open() != 0 {
			t.Errorf("Escape (nothing focused: %t) left %d overlays", unfocus, h.open())
		}
	}

	// A pop-up that is not ours on top (as Fyne's file dialog): the keys
	// are not the dialog's beneath.
	h.view.ShowGenerate()
	h.tasks.Wait()
	g = h.view.lastGenerate
	other := widget.NewModalPopUp(widget.NewLabel("a file dialog"), c)
	other.Show()
	c.Unfocus()
	press(c, fyne.KeyReturn)
	press(c, fyne.KeyEscape)
	if g.rows["amount"].Error.Visible() || h.open() != 2 {
		t.Errorf("keys reached the dialog under another pop-up: %d overlays", h.open())
	}
	other.Hide()
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Errorf("Escape after the other pop-up closed left %d overlays", h.open())
	}
}

// The calendar of a date field closes on Escape, and only it; it opens
// where it fits in the window.
func TestCalendarEscapeAndPlace(t *testing.T) {
	s := newStore(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	h.view.ShowGenerate()
	h.tasks.Wait()
	g := h.view.lastGenerate
	test.Tap(g.Expiry.Button)
	if h.open() != 2 {
		t.Fatalf("%d overlays with the calendar open", h.open())
	}
	press(c, fyne.KeyEscape)
	if h.open() != 1 {
		t.Fatalf("Escape on the calendar left %d overlays, want the dialog alone", h.open())
	}
	if c.Focused() != g.Expiry.focusable() {
		t.Errorf("after the calendar the cursor is in %T", c.Focused())
	}
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Errorf("second Escape left %d overlays", h.open())
	}

	win, field := fyne.NewSize(900, 600), fyne.NewSize(300, 36)
	for _, tc := range []struct {
		name     string
		cal      fyne.Size
		pos, out fyne.Position
	}{
		{"room below", fyne.NewSize(280, 260), fyne.NewPos(100, 100), fyne.NewPos(100, 136)},
		{"near the bottom: above", fyne.NewSize(280, 260), fyne.NewPos(100, 500), fyne.NewPos(100, 240)},
		{"no room either way: as low as fits", fyne.NewSize(280, 500), fyne.NewPos(100, 200), fyne.NewPos(100, 100)},
		{"near the right edge", fyne.NewSize(280, 260), fyne.NewPos(800, 100), fyne.NewPos(620, 136)},
	} {
		cal := tc.cal
		got := calendarPosition(tc.pos, field, cal, win)
		if got != tc.out {
			t.Errorf("%s: at %v, want %v", tc.name, got, tc.out)
		}
		if got.Y+cal.Height > win.Height || got.X+cal.Width > win.Width || got.Y < 0 {
			t.Errorf("%s: calendar at %v leaves the window", tc.name, got)
		}
	}
}

// Mass Edit opens in the expiry date; Enter processes and confirms; Escape
// closes. Delete all names the cards and their value before it asks for
// the typed DELETE ALL, which has the cursor.
func TestMassEditByKeyboard(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	ctx := context.Background()
	h.view.ShowMassEdit()
	h.tasks.Wait()
	m := h.view.lastMassEdit
	if c.Focused() != m.Expiry.focusable() {
		t.Fatalf("focus starts in %T, not the expiry date", c.Focused())
	}
	typeIn(c, "2031-03-04")
	press(c, fyne.KeyReturn) // Process: asks first
	if h.open() != 2 {
		t.Fatalf("Enter did not ask before processing (%d overlays, problem %q)", h.open(), m.Problem.Text)
	}
	press(c, fyne.KeyReturn) // yes
	h.tasks.Wait()
	cards, _, _ := s.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, 100)
	for _, cd := range cards {
		if cd.ExpiresAt.IsZero() || cd.ExpiresAt.Local().Format("2006-01-02") != "2031-03-04" {
			t.Fatalf("card %s expires %v after Enter, Enter", cd.Serial, cd.ExpiresAt)
		}
	}
	press(c, fyne.KeyEscape) // the result
	if h.open() != 0 {
		t.Fatalf("%d overlays after Escape on the result", h.open())
	}

	h.view.ShowMassEdit()
	h.tasks.Wait()
	m = h.view.lastMassEdit
	test.Tap(m.DeleteAll)
	h.tasks.Wait()
	sum, _ := s.Summarize(ctx, data.Filter{})
	msg := m.Confirm.Message.Text
	for _, want := range []string{"60 cards"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Delete all says %q, lacks %q", msg, want)
		}
	}
	for _, tot := range sum.Totals {
		face := m.formats.Locale().Amount(data.Money{Minor: tot.Face, Currency: tot.Currency}) + " face value"
		left := m.formats.Locale().Amount(data.Money{Minor: tot.Unredeemed, Currency: tot.Currency}) + " unredeemed"
		if !strings.Contains(msg, face) || !strings.Contains(msg, left) {
			t.Errorf("Delete all says %q, lacks %q or %q", msg, face, left)
		}
	}
	if len(sum.Totals) != 2 {
		t.Fatalf("fixture has %d currencies", len(sum.Totals))
	}
	if c.Focused() != m.Confirm.Entry {
		t.Fatalf("the typed confirmation opens with the cursor in %T", c.Focused())
	}
	// Escape cancels: nothing deleted, Mass Edit still open.
	press(c, fyne.KeyEscape)
	if n, _ := s.Count(ctx, data.Filter{}); n != 60 || h.open() != 1 {
		t.Fatalf("Escape on the confirmation: %d cards, %d overlays", n, h.open())
	}
	test.Tap(m.DeleteAll)
	h.tasks.Wait()
	typeIn(c, "DELETE")
	press(c, fyne.KeyReturn) // not the whole phrase: nothing happens
	if n, _ := s.Count(ctx, data.Filter{}); n != 60 {
		t.Fatalf("Enter with half the phrase deleted: %d left", n)
	}
	typeIn(c, " ALL")
	press(c, fyne.KeyReturn)
	h.tasks.Wait()
	if n, _ := s.Count(ctx, data.Filter{}); n != 0 {
		t.Fatalf("Enter with DELETE ALL left %d cards", n)
	}
}

// Resellers opens with the cursor in the name; Enter adds; a refused name
// stays as typed, with the reason; Escape closes.
func TestResellersByKeyboard(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	h.view.ShowResellers()
	h.tasks.Wait()
	d := h.view.lastResellers
	if c.Focused() != d.Name {
		t.Fatalf("focus starts in %T, not the name", c.Focused())
	}
	typeIn(c, "Zeta Cards")
	press(c, fyne.KeyReturn)
	h.tasks.Wait()
	if len(d.resellers) != 3 || d.Name.Text != "" {
		t.Fatalf("Enter: %d resellers, name left %q", len(d.resellers), d.Name.Text)
	}
	typeIn(c, "acme mobile")
	press(c, fyne.KeyReturn)
	h.tasks.Wait()
	if d.Name.Text != "acme mobile" || !strings.Contains(d.Message.Text, "exists already") || c.Focused() != d.Name {
		t.Fatalf("duplicate: name %q, message %q", d.Name.Text, d.Message.Text)
	}
	test.Tap(d.Add) // a click on Add, then Escape: nothing focused
	h.tasks.Wait()
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Fatalf("Escape left %d overlays", h.open())
	}
}

// A history row's whole text opens on Enter (or Details…), can be copied,
// and Escape closes the detail view alone.
func TestHistoryDetails(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	h.view.ShowHistory()
	h.tasks.Wait()
	hd := h.view.lastHistory
	if c.Focused() != hd.History {
		t.Fatalf("focus starts in %T, not the history", c.Focused())
	}
	if !hd.Details.Disabled() {
		t.Error("Details is enabled with no row selected")
	}
	press(c, fyne.KeyReturn) // selects the highlighted (first) row and opens it
	if hd.details == nil || h.open() != 2 {
		t.Fatalf("Enter opened no detail view (%d overlays)", h.open())
	}
	e := hd.entries[0]
	text := HistoryDetail(e, hd.formats.Locale())
	if !strings.Contains(text, e.Detail) || !strings.Contains(text, e.Filter) || !strings.Contains(text, e.Action) {
		t.Errorf("detail %q lacks the entry %+v", text, e)
	}
	test.Tap(hd.copyDetail)
	if got := fyne.CurrentApp().Clipboard().Content(); got != text {
		t.Errorf("copied %q", got)
	}
	press(c, fyne.KeyEscape)
	if h.open() != 1 {
		t.Fatalf("Escape on the details left %d overlays", h.open())
	}
	test.Tap(hd.Details)
	if h.open() != 2 {
		t.Fatal("Details… opened nothing")
	}
}

// The mouse wheel over an input of the search sidebar scrolls the sidebar;
// a click on an input still reaches it.
func TestWheelOverSidebarInput(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	h.win.Resize(fyne.NewSize(900, 500))
	c := h.win.Canvas()
	d := fyne.CurrentApp().Driver()
	pin, status := h.view.Search.PIN, h.view.Search.Status
	before := d.AbsolutePositionForObject(pin)
	test.Scroll(c, before.Add(fyne.NewPos(10, 10)), 0, -120)
	after := d.AbsolutePositionForObject(pin)
	if after.Y >= before.Y {
		t.Fatalf("the wheel over the PIN field did not scroll the sidebar: field at %v, then %v", before, after)
	}
	test.TapCanvas(c, d.AbsolutePositionForObject(status).Add(fyne.NewPos(10, 10)))
	if h.open() != 1 {
		t.Errorf("a click on the Status choice opened %d pop-ups", h.open())
	}
}

// A backup's reason reads as words.
func TestBackupReasonText(t *testing.T) {
	for _, r := range []string{data.BackupDaily, data.BackupManual, data.BackupBeforeRestore, data.BackupBeforeUpgrade, "edit", "delete"} {
		got := BackupReasonText(r)
		if strings.Contains(got, "before before") || strings.Contains(got, "-") || got == r {
			t.Errorf("%q reads %q", r, got)
		}
	}
	b := data.Backup{Created: time.Now(), Reason: data.BackupBeforeRestore, Cards: 3, Path: "/x/cards.db.bak"}
	if !strings.Contains(backupText(b, data.Locale{}), "before a restore") {
		t.Errorf("list line %q", backupText(b, data.Locale{}))
	}
}

// typeIn types chars into the focused widget, as a person at the keyboard.
func typeIn(c fyne.Canvas, chars string) {
	if f := c.Focused(); f != nil {
		test.Type(f, chars)
	}
}

// The logo of the last export is read again at the next one, in a new app
// with the same preferences; a logo that is gone is said to be, in words.
func TestExportLogoRemembered(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	prefs := fyne.CurrentApp().Preferences()
	png, err := os.ReadFile(filepath.Join("..", "assets", "icon.png"))
	if err != nil {
		t.Fatal(err)
	}
	logo := filepath.Join(t.TempDir(), "shop logo.png")
	if err := os.WriteFile(logo, png, 0o600); err != nil {
		t.Fatal(err)
	}
	hooks := ExportHooks{Formats: []ExportFormat{{Name: "pdf", Ext: ".pdf", Label: "PDF", Vouchers: true, Logo: true}}, Prefs: prefs}
	d := NewExportDialog(s, h.tasks, h.win, hooks, data.Filter{}, nil, nil)
	d.loadLogo(storage.NewFileURI(logo).String())
	d.remember()

	test.NewTempApp(t) // a restart
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	d2 := NewExportDialog(s, &Tasks{Synchronous: true}, w, hooks, data.Filter{}, nil, nil)
	if d2.LogoBtn.Text != "Logo: shop logo.png" || string(d2.logo) != string(png) {
		t.Fatalf("logo not remembered: button %q, %d bytes", d2.LogoBtn.Text, len(d2.logo))
	}
	os.Remove(logo)
	d3 := NewExportDialog(s, &Tasks{Synchronous: true}, w, hooks, data.Filter{}, nil, nil)
	if d3.logo != nil || !strings.Contains(d3.Problem.Text, "logo used last cannot be read") {
		t.Errorf("a missing logo: %d bytes, problem %q", len(d3.logo), d3.Problem.Text)
	}
}

// A radio button clicked keeps the dialog's keys: Escape still closes.
func TestRadioKeepsKeys(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	h.view.ShowMassEdit()
	h.tasks.Wait()
	m := h.view.lastMassEdit
	clear := m.ExpiryMode.choices[2]
	test.Tap(clear)
	if m.ExpiryMode.Selected != choiceClear || c.Focused() != clear {
		t.Fatalf("click on clear: selected %q, focus %T", m.ExpiryMode.Selected, c.Focused())
	}
	keep := m.ExpiryMode.choices[0]
	c.Focus(keep)
	test.Type(keep, " ") // Space chooses the focused button
	if m.ExpiryMode.Selected != choicePreserve {
		t.Errorf("Space on preserve left %q", m.ExpiryMode.Selected)
	}
	c.Focus(clear)
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Fatalf("Escape on a radio button left %d overlays", h.open())
	}
}

// Down in the currency opens its list of usual currencies; Escape closes the
// list alone; a choice fills the field.
func TestCurrencyListByKeyboard(t *testing.T) {
	s := newStore(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	h.view.ShowGenerate()
	h.tasks.Wait()
	g := h.view.lastGenerate
	c.Focus(g.Currency)
	press(c, fyne.KeyDown)
	if h.open() != 2 || g.Currency.pop == nil {
		t.Fatalf("Down opened no list (%d overlays)", h.open())
	}
	press(c, fyne.KeyEscape)
	if h.open() != 1 {
		t.Fatalf("Escape on the list left %d overlays, want the dialog alone", h.open())
	}
	press(c, fyne.KeyDown) // opens the list
	press(c, fyne.KeyDown) // first currency
	press(c, fyne.KeyDown) // second
	press(c, fyne.KeyReturn)
	if g.Currency.Text != commonCurrencies[1] {
		t.Errorf("chose %q, want %q", g.Currency.Text, commonCurrencies[1])
	}
}

// TestRedeemByKeyboard: the Redeem dialog opens with the cursor in the PIN,
// Enter with both fields filled redeems, and Escape closes it whether a
// field or nothing has the focus.
func TestRedeemByKeyboard(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	cards, _, err := s.Page(context.Background(), data.Filter{Status: data.StatusNew}, data.Sort{}, data.Cursor{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	h.view.ShowRedeem()
	r := h.view.lastRedeem
	if c.Focused() != r.PIN {
		t.Fatalf("focus starts in %T, not the PIN", c.Focused())
	}
	typeIn(c, cards[0].PIN)
	c.Focus(r.Client)
	typeIn(c, "Ana")
	press(c, fyne.KeyReturn)
	h.tasks.Wait()
	got, err := s.Card(context.Background(), cards[0].ID)
	if err != nil || got.ActivatedBy != "Ana" {
		t.Fatalf("Enter did not redeem: %+v, %v", got, err)
	}
	press(c, fyne.KeyEscape) // the cursor is back in the PIN
	if h.open() != 0 {
		t.Fatalf("Escape left %d overlays", h.open())
	}
	h.view.ShowRedeem()
	c.Unfocus()
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Fatalf("Escape with nothing focused left %d overlays", h.open())
	}
}

// TestEscapeClosesDesignerAndConnect: the card designer and the Connect
// dialog close on Escape like every other dialog.
func TestEscapeClosesDesignerAndConnect(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	c := h.win.Canvas()
	d := NewDesigner(s, h.tasks, h.win)
	d.Show()
	h.tasks.Wait()
	if h.open() == 0 {
		t.Fatal("the designer did not open")
	}
	c.Unfocus()
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Fatalf("Escape left the designer open (%d overlays)", h.open())
	}
	cd := NewConnectDialog(h.win, h.tasks, "", func(context.Context, string, string) error { return nil })
	cd.Show()
	c.Unfocus()
	press(c, fyne.KeyEscape)
	if h.open() != 0 {
		t.Fatalf("Escape left Connect open (%d overlays)", h.open())
	}
}
