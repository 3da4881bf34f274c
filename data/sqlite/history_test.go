package sqlite_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"topupcards/data"
)

// TestHistoryOneEntryPerChange makes one change of every kind and checks
// that each wrote exactly one history entry, with its action, card count,
// time and filter.
func TestHistoryOneEntryPerChange(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	var deleted int64
	steps := []struct {
		name   string
		do     func() error
		action string
		cards  int64
		filter string   // "" = not checked
		detail []string // the detail mentions these
	}{
		{"add reseller", func() error { _, err := s.AddReseller(ctx, "Acme Corp"); return err }, "reseller", 0, "", []string{"Acme Corp"}},
		{"add another reseller", func() error { _, err := s.AddReseller(ctx, "Beta"); return err }, "reseller", 0, "", []string{"Beta"}},
		{"generate", func() error {
			_, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 12, Series: "3", Reseller: "Acme Corp"}, nil)
			return err
		}, "generate", 12, "", []string{"3-000000001", "3-000000012", "8.00 USD"}},
		{"mass edit", func() error {
			_, err := s.MassEdit(ctx, data.Filter{SerialTo: serialPtr("3", 5)}, data.Edit{Block: data.BlockSet})
			return err
		}, "edit", 5, "serial up to 3-000000005", []string{"blocked"}},
		{"unblock one", func() error {
			_, err := s.MassEdit(ctx, data.Filter{SerialFrom: serialPtr("3", 5), SerialTo: serialPtr("3", 5)}, data.Edit{Block: data.BlockClear})
			return err
		}, "edit", 1, "serial 3-000000005 to 3-000000005", []string{"unblocked"}},
		{"redeem", func() error {
			c := allCards(t, s)[8]
			_, err := s.Redeem(ctx, c.PIN, "Rose Orig")
			return err
		}, "redeem", 1, "", []string{"Rose Orig", "3-000000009"}},
		{"export", func() error {
			return s.LogExport(ctx, data.Filter{Status: data.StatusNew}, 6, "/tmp/cards.xlsx")
		}, "export", 6, "status new", []string{"/tmp/cards.xlsx"}},
		{"delete", func() error {
			r, err := s.Delete(ctx, data.Filter{Status: data.StatusBlocked})
			deleted = r.Op
			return err
		}, "delete", 4, "status blocked", nil},
		{"undo", func() error { _, err := s.Undo(ctx, deleted); return err }, "undo", 4, "status blocked", []string{"put back 4 deleted cards"}},
		{"rename reseller", func() error { return s.RenameReseller(ctx, "Beta", "Gamma") }, "reseller", 0, "", []string{"Beta", "Gamma"}},
		{"remove reseller", func() error { return s.RemoveReseller(ctx, "Gamma") }, "reseller", 0, "", []string{"Gamma"}},
		{"delete all", func() error { _, err := s.DeleteAll(ctx); return err }, "delete all", 12, "all cards", nil},
	}
	for _, st := range steps {
		clk.advance(time.Minute)
		n := historyLen(t, s)
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := historyLen(t, s); got != n+1 {
			t.Errorf("%s wrote %d history entries, want 1", st.name, got-n)
			continue
		}
		h := newestHistory(t, s, 1)[0]
		if h.Action != st.action || h.Cards != st.cards || !h.At.Equal(clk.now()) {
			t.Errorf("%s: history entry %+v; want action %q, %d cards, at %v", st.name, h, st.action, st.cards, clk.now())
		}
		if st.filter != "" && h.Filter != st.filter {
			t.Errorf("%s: filter in words %q, want %q", st.name, h.Filter, st.filter)
		}
		for _, w := range st.detail {
			if !strings.Contains(h.Detail, w) {
				t.Errorf("%s: detail %q does not mention %q", st.name, h.Detail, w)
			}
		}
	}
	// History comes newest first and honours the limit.
	all, err := s.History(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID || all[i].At.After(all[i-1].At) {
			t.Errorf("history not newest first at %d", i)
		}
	}
	if h, _ := s.History(ctx, 3); len(h) != 3 || h[0] != all[0] {
		t.Errorf("History(3) = %d entries", len(h))
	}
}

// TestHistoryRefusedChangesWriteNothing: a change that is refused writes
// no history (the entry is in the change's transaction). Redemption
// refusals are the exception: they are logged as "redeem refused".
func TestHistoryRefusedChangesWriteNothing(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "3", Reseller: "Acme Corp"})
	refusals := []struct {
		name string
		do   func() error
	}{
		{"generate bad amount", func() error {
			_, err := s.Generate(ctx, data.GenerateParams{Quantity: 1, Series: "3"}, nil)
			return err
		}},
		{"generate guessable", func() error {
			_, err := s.Generate(ctx, data.GenerateParams{Amount: 1, Quantity: 2000, Series: "3", PINLength: 5}, nil)
			return err
		}},
		{"generate cancelled", func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			_, err := s.Generate(c, data.GenerateParams{Amount: 1, Quantity: 5, Series: "3"}, nil)
			return err
		}},
		{"edit no-op", func() error { _, err := s.MassEdit(ctx, data.Filter{}, data.Edit{}); return err }},
		{"edit unknown reseller", func() error { _, err := s.MassEdit(ctx, data.Filter{}, data.Edit{Reseller: "X"}); return err }},
		{"delete empty filter", func() error { _, err := s.Delete(ctx, data.Filter{}); return err }},
		{"restore missing", func() error { _, err := s.Restore(ctx, "/nonexistent/snap.db"); return err }},
		{"add duplicate reseller", func() error { _, err := s.AddReseller(ctx, "ACME CORP"); return err }},
		{"rename unknown reseller", func() error { return s.RenameReseller(ctx, "X", "Y") }},
		{"remove reseller in use", func() error { return s.RemoveReseller(ctx, "Acme Corp") }},
		{"redeem with no client", func() error { _, err := s.Redeem(ctx, "123456789012", ""); return err }},
		{"redeem a malformed PIN", func() error { _, err := s.Redeem(ctx, "12x", "Bob"); return err }},
	}
	for _, r := range refusals {
		before := stateOf(t, s)
		if err := r.do(); err == nil {
			t.Errorf("%s was not refused", r.name)
		}
		assertUnchanged(t, s, before)
	}
	// Redemption refusals are logged.
	n := historyLen(t, s)
	if _, err := s.Redeem(ctx, "123456789012", "Bob"); err == nil {
		t.Fatal("redeemed an unknown PIN")
	}
	h := newestHistory(t, s, 1)[0]
	if historyLen(t, s) != n+1 || h.Action != "redeem refused" || h.Cards != 0 || !strings.Contains(h.Detail, "Bob") {
		t.Errorf("history after a refused redemption: %+v", h)
	}
}

// TestHistoryWriteFailureRollsBackTheChange makes the history refuse one
// action at a time (a trigger) and checks that the change itself is then
// rolled back: the entry is written in the change's own transaction.
func TestHistoryWriteFailureRollsBackTheChange(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 4, Series: "3"})
	b, err := s.CreateBackup(ctx, data.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	snap := b.Path
	// A difference from the snapshot, for the restore to undo.
	if _, err := s.DB().Exec("UPDATE cards SET blocked = 1 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	pin := allCards(t, s)[0].PIN
	changes := []struct {
		action string
		do     func() error
	}{
		{"generate", func() error {
			_, err := s.Generate(ctx, data.GenerateParams{Amount: 1, Quantity: 3, Series: "3"}, nil)
			return err
		}},
		{"edit", func() error {
			_, err := s.MassEdit(ctx, data.Filter{Batch: 1}, data.Edit{Block: data.BlockSet, Reseller: "Acme Corp"})
			return err
		}},
		{"delete", func() error { _, err := s.Delete(ctx, data.Filter{Batch: 1}); return err }},
		{"delete all", func() error { _, err := s.DeleteAll(ctx); return err }},
		{"redeem", func() error { _, err := s.Redeem(ctx, pin, "Bob"); return err }},
		{"reseller", func() error { _, err := s.AddReseller(ctx, "Beta"); return err }},
		{"reseller", func() error { return s.RenameReseller(ctx, "Acme Corp", "Gamma") }},
		{"restore", func() error { _, err := s.Restore(ctx, snap); return err }},
		{"export", func() error { return s.LogExport(ctx, data.Filter{}, 4, "x.csv") }},
	}
	for _, c := range changes {
		if _, err := s.DB().Exec(`CREATE TRIGGER refuse BEFORE INSERT ON history WHEN NEW.action = '` + c.action +
			`' BEGIN SELECT RAISE(ABORT, 'history refused'); END`); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		before := stateOf(t, s)
		if err := c.do(); err == nil {
			t.Errorf("%s succeeded although its history entry could not be written", c.action)
		}
		after := stateOf(t, s)
		if !reflect.DeepEqual(before.Cards, after.Cards) || !reflect.DeepEqual(before.Batches, after.Batches) ||
			!reflect.DeepEqual(before.Resellers, after.Resellers) || !reflect.DeepEqual(before.History, after.History) {
			t.Errorf("%s: the change was kept without its history entry", c.action)
		}
		if _, err := s.DB().Exec("DROP TRIGGER refuse"); err != nil {
			t.Fatal(err)
		}
	}
}
