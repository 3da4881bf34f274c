package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// localeHarness is newHarness in locale tag, over cards of 1,234.50 EUR
// (valid until 18:00 on 30 September 2030), 5,000 XOF and 0.500 KWD.
func localeHarness(t *testing.T, tag string) (*harness, *sqlite.Store) {
	t.Helper()
	s := newStore(t)
	at18 := time.Date(2030, 9, 30, 18, 0, 0, 0, time.Local)
	mustGen(t, s, data.GenerateParams{Amount: 123450, Currency: "EUR", Quantity: 1, Series: "E", ExpiresAt: at18})
	mustGen(t, s, data.GenerateParams{Amount: 5000, Currency: "XOF", Quantity: 2, Series: "X"})
	mustGen(t, s, data.GenerateParams{Amount: 500, Currency: "KWD", Quantity: 1, Series: "K"})
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefLocale, tag)
	tasks := &Tasks{Synchronous: true}
	w := test.NewTempWindow(t, nil)
	v := NewMainView(s, w, tasks)
	w.SetContent(v)
	w.Resize(fyne.NewSize(1280, 800))
	v.LoadInBackground()
	tasks.Wait()
	return &harness{store: s, win: w, tasks: tasks, view: v}, s
}

func TestTableAndFooterInTheLocale(t *testing.T) {
	for _, c := range []struct {
		tag                          string
		eur, xof, kwd, expiry, total string
	}{
		{"en-US", "1,234.50 EUR", "5,000 XOF", "0.500 KWD", "09/30/2030 6:00 PM", "10,000 XOF face value"},
		{"de-DE", "1.234,50 EUR", "5.000 XOF", "0,500 KWD", "30.09.2030 18:00", "10.000 XOF face value"},
		{"iso", "1234.50 EUR", "5000 XOF", "0.500 KWD", "2030-09-30 18:00", "10000 XOF face value"},
	} {
		t.Run(c.tag, func(t *testing.T) {
			h, _ := localeHarness(t, c.tag)
			got := map[string][]string{}
			for _, r := range h.rows(t) {
				got[r[colSerial][:1]] = r
			}
			if got["E"][colAmount] != c.eur || got["X"][colAmount] != c.xof || got["K"][colAmount] != c.kwd {
				t.Errorf("amounts %q %q %q, want %q %q %q", got["E"][colAmount], got["X"][colAmount], got["K"][colAmount],
					c.eur, c.xof, c.kwd)
			}
			if got["E"][colExpiry] != c.expiry {
				t.Errorf("expiry %q, want %q", got["E"][colExpiry], c.expiry)
			}
			if !strings.Contains(h.view.Footer.Text, c.total) || !strings.Contains(h.view.Footer.Text, c.eur+" face value") {
				t.Errorf("footer %q, want %q and %q", h.view.Footer.Text, c.total, c.eur)
			}
		})
	}
}

// TestSearchTakesTheLocalesFormsAndISO: amounts with the locale's marks,
// dates in the locale's order or ISO; a wrong form names both.
func TestSearchTakesTheLocalesFormsAndISO(t *testing.T) {
	h, _ := localeHarness(t, "de-DE")
	sp := h.view.Search
	test.Type(sp.AmountFrom, "1.234,50")
	test.Type(sp.AmountTo, "1.234,5")
	h.search(t)
	if h.view.Table.Rows() != 1 {
		t.Fatalf("amount 1.234,50 finds %d cards, want the EUR card", h.view.Table.Rows())
	}
	sp.Reset()
	h.tasks.Wait()
	test.Type(sp.AmountFrom, "0,5")
	test.Type(sp.AmountTo, "0,5")
	h.search(t)
	if h.view.Table.Rows() != 1 {
		t.Errorf("amount 0,5 finds %d cards, want the 0,500 KWD card", h.view.Table.Rows())
	}
	for _, in := range [][2]string{{"30.09.2030", "30.09.2030"}, {"2030-09-30", "2030-09-30 18:00"}, {"1.9.2030", "2030-09-30T18:00"}} {
		sp.Reset()
		h.tasks.Wait()
		test.Type(sp.ExpiryFrom.Entry, in[0])
		test.Type(sp.ExpiryTo.Entry, in[1])
		h.search(t)
		if h.view.Table.Rows() != 1 || sp.rows["expiry"].Error.Visible() {
			t.Errorf("expiry %q to %q: %d cards (%q); want the EUR card", in[0], in[1], h.view.Table.Rows(), sp.rows["expiry"].Error.Text)
		}
	}
	sp.Reset()
	h.tasks.Wait()
	if ph := sp.ExpiryFrom.Entry.PlaceHolder; ph != "from DD.MM.YYYY" {
		t.Errorf("expiry placeholder %q, want from DD.MM.YYYY", ph)
	}
	test.Type(sp.ExpiryFrom.Entry, "09/30/2030")
	h.search(t)
	msg := sp.rows["expiry"].Error.Text
	if !sp.rows["expiry"].Error.Visible() || !strings.Contains(msg, "DD.MM.YYYY (31.01.2027) or YYYY-MM-DD (2027-01-31)") {
		t.Errorf("a US date in de-DE: error %q, want one naming both forms", msg)
	}
	// The calendar writes the locale's form.
	sp.ExpiryTo.openCalendar()
	if sp.ExpiryTo.popup == nil {
		t.Fatal("no calendar")
	}
	sp.ExpiryTo.popup.Hide()
}

// TestGenerateInTheLocale: amounts with the currency's decimals in the
// locale's marks, dates in both forms, errors that say why.
func TestGenerateInTheLocale(t *testing.T) {
	h, s := localeHarness(t, "de-DE")
	h.view.ShowGenerate()
	h.tasks.Wait()
	g := h.view.lastGenerate
	if g.Amount.PlaceHolder != "e.g. 8,00" || !strings.Contains(g.Expiry.Entry.PlaceHolder, "DD.MM.YYYY or YYYY-MM-DD") {
		t.Errorf("placeholders %q, %q", g.Amount.PlaceHolder, g.Expiry.Entry.PlaceHolder)
	}
	g.Currency.SetText("XOF")
	test.Type(g.Amount, "5000,5")
	test.Type(g.Quantity, "10")
	test.Type(g.Series, "N")
	h.tasks.Wait()
	if msg := g.rows["amount"].Error.Text; !g.rows["amount"].Error.Visible() || !strings.Contains(msg, "XOF has no decimals") {
		t.Errorf("5000,5 XOF: %q, want it refused as XOF has no decimals", msg)
	}
	g.Currency.SetText("KWD")
	g.Amount.SetText("0,500")
	g.Expiry.Entry.SetText("31.12.2031 18:00")
	h.tasks.Wait()
	if g.rows["amount"].Error.Visible() || g.rows["expiry"].Error.Visible() {
		t.Errorf("0,500 KWD valid until 31.12.2031 18:00 refused: %q %q", g.rows["amount"].Error.Text, g.rows["expiry"].Error.Text)
	}
	for _, w := range []string{"10 cards of 0,500 KWD", "Total face value 5,000 KWD", "Valid until 31.12.2031 18:00"} {
		if !strings.Contains(g.Preview.Text, w) {
			t.Errorf("preview %q does not say %q", g.Preview.Text, w)
		}
	}
	g.Expiry.Entry.SetText("2031-12-31")
	h.tasks.Wait()
	if g.rows["expiry"].Error.Visible() || !strings.Contains(g.Preview.Text, "Valid until 31.12.2031\n") &&
		!strings.HasSuffix(g.Preview.Text, "Valid until 31.12.2031") {
		t.Errorf("ISO expiry: %q, preview %q", g.rows["expiry"].Error.Text, g.Preview.Text)
	}
	g.Expiry.Entry.SetText("2031-12-31T18")
	h.tasks.Wait()
	if msg := g.rows["expiry"].Error.Text; !strings.Contains(msg, "DD.MM.YYYY") || !strings.Contains(msg, "YYYY-MM-DD") || strings.Contains(msg, "THH") {
		t.Errorf("bad expiry: %q", msg)
	}
	g.Expiry.Entry.SetText("31.12.2031 18:00")
	h.tasks.Wait()
	g.Submit()
	h.tasks.Wait()
	cards, _, err := s.Page(context.Background(), data.Filter{Batch: 4}, data.Sort{}, data.Cursor{}, 20)
	if err != nil || len(cards) != 10 || cards[0].Amount != (data.Money{Minor: 500, Currency: "KWD"}) ||
		!cards[0].ExpiresAt.Equal(time.Date(2031, 12, 31, 18, 0, 0, 0, time.Local)) {
		t.Fatalf("generated %d cards (%v): %+v", len(cards), err, cards)
	}
}

// TestMassEditSaysOneDateFormat: the placeholder and the error name the
// same forms.
func TestMassEditSaysOneDateFormat(t *testing.T) {
	h, s := localeHarness(t, "en-US")
	h.view.ShowMassEdit()
	h.tasks.Wait()
	m := h.view.lastMassEdit
	ph := m.Expiry.Entry.PlaceHolder
	if ph != "MM/DD/YYYY or YYYY-MM-DD" {
		t.Errorf("placeholder %q", ph)
	}
	m.ExpiryMode.SetSelected(choiceSet)
	m.Expiry.Entry.SetText("2030-13-01")
	_, err := m.Edit()
	if err == nil || !strings.Contains(err.Error(), "MM/DD/YYYY (01/31/2027) or YYYY-MM-DD (2027-01-31)") || strings.Contains(err.Error(), "THH") {
		t.Errorf("error %v does not name the placeholder's forms", err)
	}
	m.Expiry.Entry.SetText("10/01/2030 6:00 PM")
	e, err := m.Edit()
	if err != nil || !e.ExpireAt.Equal(time.Date(2030, 10, 1, 18, 0, 0, 0, time.Local)) {
		t.Errorf("10/01/2030 6:00 PM: %v, %v", e.ExpireAt, err)
	}
	m.Expiry.Entry.SetText("2030-10-01")
	if e, err = m.Edit(); err != nil || !e.ExpireAt.Equal(time.Date(2030, 10, 1, 23, 59, 59, 0, time.Local)) {
		t.Errorf("2030-10-01: %v, %v", e.ExpireAt, err)
	}
	_ = s
}

// TestSettingsChangesTheLocaleEverywhere: Save keeps the choice in the
// preferences and the table, the footer and the search follow at once.
func TestSettingsChangesTheLocaleEverywhere(t *testing.T) {
	h, _ := localeHarness(t, "en-US")
	h.view.ShowSettings()
	d := h.view.lastSettings
	if d == nil || d.Locale.Selected != "English (United States) — en-US" {
		t.Fatalf("settings open with %q", d.Locale.Selected)
	}
	d.Locale.SetSelected("Deutsch (Deutschland) — de-DE")
	if !strings.Contains(d.Example.Text, "1.234,50 USD") || !strings.Contains(d.Example.Text, "30.09.2027 18:00") {
		t.Errorf("example %q", d.Example.Text)
	}
	// Nothing changes before Save.
	if r := h.rows(t); !strings.Contains(strings.Join(r[0], "|"), "1,234.50 EUR") {
		t.Errorf("before Save: %q", r[0])
	}
	d.Dialog.Confirm()
	h.tasks.Wait()
	if got := fyne.CurrentApp().Preferences().String(PrefLocale); got != "de-DE" {
		t.Errorf("preference %q, want de-DE", got)
	}
	if r := h.rows(t); r[0][colAmount] != "1.234,50 EUR" {
		t.Errorf("after Save the table shows %q", r[0][colAmount])
	}
	if !strings.Contains(h.view.Footer.Text, "1.234,50 EUR face value") {
		t.Errorf("after Save the footer says %q", h.view.Footer.Text)
	}
	if !strings.Contains(h.view.Search.ExpiryFrom.Entry.PlaceHolder, "DD.MM.YYYY") {
		t.Errorf("after Save the search placeholder says %q", h.view.Search.ExpiryFrom.Entry.PlaceHolder)
	}
	// Back to the system's: the choice is emptied.
	h.view.ShowSettings()
	h.view.lastSettings.Locale.SetSelectedIndex(0)
	h.view.lastSettings.Dialog.Confirm()
	if got := fyne.CurrentApp().Preferences().String(PrefLocale); got != "" {
		t.Errorf("preference %q after choosing the system's", got)
	}
}
