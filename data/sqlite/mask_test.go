package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"topupcards/data"
)

func TestMaskPIN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"456404221644", "•••• •••• 1644"},
		{"4564042216441", "•••• •••• •644 1"},
		{"12345", "•234 5"},
		{"1234", "1234"},
	} {
		if got := data.MaskPIN(c.in); got != c.want {
			t.Errorf("MaskPIN(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"PIN 4564 0422 1644", "PIN •••• •••• 1644"},
		{"refused: redeem PIN 4564-0422-1644: no card", "refused: redeem PIN •••• •••• 1644: no card"},
		{"PIN 456404221644, status new", "PIN •••• •••• 1644, status new"},
		{"serial 3-000000001 to 3-000000009", "serial 3-000000001 to 3-000000009"},
	} {
		if got := data.MaskPINs(c.in); got != c.want {
			t.Errorf("MaskPINs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// No whole PIN reaches the history or the print runs, whatever the change;
// older entries are masked by the migration.
func TestHistoryHoldsNoWholePIN(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/cards.db"
	s, _ := openStoreAt(t, path)
	ctx := context.Background()
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 4, Series: "3", CheckDigit: true})
	cards := allCards(t, s)
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{cards[0].ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	byPIN := data.Filter{PIN: cards[1].PIN}
	if _, err := s.MassEdit(ctx, byPIN, data.Edit{Expiry: data.ExpiryClear}); err != nil {
		t.Fatal(err)
	}
	s.Redeem(ctx, cards[0].PIN, "Bob")       // blocked: refused
	s.Redeem(ctx, cards[2].PIN, "Ann")       // redeemed
	s.Redeem(ctx, cards[3].PIN+"1", "Eve")   // not found
	s.Redeem(ctx, cards[3].PIN[:11]+"0", "") // refused before the store: no client
	if _, err := s.RecordPrintRun(ctx, byPIN, data.PrintRun{Format: data.PrintPDF, Path: "/tmp/x.pdf"}); err != nil {
		t.Fatal(err)
	}
	if err := s.LogExport(ctx, byPIN, 1, "/tmp/x.csv"); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		hs, err := s.History(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		runs, err := s.PrintRuns(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, h := range hs {
			texts = append(texts, h.Detail, h.Filter)
		}
		for _, r := range runs {
			texts = append(texts, r.Filter)
		}
		all := strings.Join(texts, "\n")
		for _, c := range cards {
			for _, form := range []string{c.PIN, data.GroupPIN(c.PIN), c.PIN[:8]} {
				if strings.Contains(all, form) {
					t.Errorf("%s: the history holds PIN %s as %q:\n%s", when, c.PIN, form, all)
				}
			}
		}
		if !strings.Contains(all, "PIN •••• •••• "+data.GroupPIN(cards[1].PIN)[10:]) {
			t.Errorf("%s: the history does not name the PIN by its last digits:\n%s", when, all)
		}
	}
	check("now")

	// An entry written by an older version, in clear: the migration masks it.
	db := s.DB()
	if _, err := db.Exec("INSERT INTO history (at, action, detail, filter, cards) VALUES (0, 'redeem refused', ?, ?, 0)",
		"refused to redeem for X: redeem PIN "+data.GroupPIN(cards[3].PIN)+": blocked", "PIN "+data.GroupPIN(cards[3].PIN)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE print_runs SET filter = ?", "PIN "+cards[3].PIN); err != nil {
		t.Fatal(err)
	}
	// Back to a file of version 6: without the columns later versions add.
	if _, err := db.Exec("ALTER TABLE history DROP COLUMN by"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 6"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, _ = openStoreAt(t, path)
	check("after the migration")
}
