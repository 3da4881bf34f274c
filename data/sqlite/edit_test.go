package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// editFixture is a small store with two resellers, cards with and without
// expiry, blocked and activated ones.
func editFixture(t *testing.T) (*sqlite.Store, *clock) {
	t.Helper()
	ctx := context.Background()
	s, clk := newStore(t)
	mustAddReseller(t, s, "Acme Corp")
	mustAddReseller(t, s, "Beta Shop")
	mustGenerate(t, s, data.GenerateParams{Amount: 500, Quantity: 6, Series: "A", Reseller: "Acme Corp"})
	mustGenerate(t, s, data.GenerateParams{Amount: 700, Quantity: 5, Series: "B", ExpiresAt: t0.Add(72 * time.Hour)})
	mustGenerate(t, s, data.GenerateParams{Amount: 900, Quantity: 4, Series: "C", Reseller: "Beta Shop", ExpiresAt: t0.Add(24 * time.Hour)})
	all := allCards(t, s)
	clk.advance(time.Hour)
	if _, err := s.Redeem(ctx, cardBySerial(t, all, "A", 2).PIN, "Rose Orig"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redeem(ctx, cardBySerial(t, all, "B", 1).PIN, "Žofia"); err != nil {
		t.Fatal(err)
	}
	blocked := data.Filter{IDs: []int64{cardBySerial(t, all, "A", 3).ID, cardBySerial(t, all, "C", 1).ID}}
	if _, err := s.MassEdit(ctx, blocked, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Hour)
	return s, clk
}

// applyEdit is what e does to one card, written out in Go.
func applyEdit(c data.Card, e data.Edit, res data.Reseller) data.Card {
	switch e.Expiry {
	case data.ExpirySet:
		c.ExpiresAt = time.Unix(e.ExpireAt.Unix(), 0).UTC()
	case data.ExpiryClear:
		c.ExpiresAt = time.Time{}
	}
	if e.Reseller != "" {
		c.ResellerID, c.Reseller = res.ID, res.Name
	}
	switch e.Block {
	case data.BlockSet:
		c.Blocked = true
	case data.BlockClear:
		c.Blocked = false
	}
	return c
}

func TestMassEditEveryCombination(t *testing.T) {
	t.Parallel()
	newExpiry := t0.Add(30*24*time.Hour + 90*time.Minute)
	for _, exp := range []data.ExpiryMode{data.ExpiryPreserve, data.ExpirySet, data.ExpiryClear} {
		for _, reseller := range []string{"", "Beta Shop", " beta   SHOP "} {
			for _, block := range []data.BlockMode{data.BlockPreserve, data.BlockSet, data.BlockClear} {
				e := data.Edit{Expiry: exp, Reseller: reseller, Block: block}
				if exp == data.ExpirySet {
					e.ExpireAt = newExpiry
				}
				if e.IsNoop() {
					continue
				}
				name := fmt.Sprintf("expiry %d reseller %q block %d", exp, reseller, block)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					testMassEdit(t, e)
				})
			}
		}
	}
}

func testMassEdit(t *testing.T, e data.Edit) {
	ctx := context.Background()
	s, clk := editFixture(t)
	resellers, err := s.Resellers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	beta := resellers[slices.IndexFunc(resellers, func(r data.Reseller) bool { return r.Name == "Beta Shop" })]
	filters := []data.Filter{
		// Several cards of two series, including activated and blocked ones.
		{SerialFrom: serialPtr("A", 2), SerialTo: serialPtr("B", 3)},
		// Cards of one status only.
		{Status: data.StatusNew, Reseller: "acme corp"},
		// Exactly one card: no snapshot.
		{SerialFrom: serialPtr("C", 1), SerialTo: serialPtr("C", 1)},
		// No card.
		{Batch: 999},
	}
	for _, f := range filters {
		before := allCards(t, s)
		now := clk.now()
		hist := historyLen(t, s)
		matched := map[int64]bool{}
		for _, c := range before {
			if matches(c, f, now) {
				matched[c.ID] = true
			}
		}
		res, err := s.MassEdit(ctx, f, e)
		if err != nil {
			t.Fatalf("mass edit %s: %v", f.Describe(), err)
		}
		if res.Cards != int64(len(matched)) {
			t.Errorf("mass edit %s: %d cards, want %d", f.Describe(), res.Cards, len(matched))
		}
		after := allCards(t, s)
		if len(after) != len(before) {
			t.Fatalf("mass edit changed the number of cards: %d -> %d", len(before), len(after))
		}
		for i, c := range before {
			want := c
			if matched[c.ID] {
				want = applyEdit(c, e, beta)
			}
			if !reflect.DeepEqual(after[i], want) {
				t.Errorf("%s: card %s\n got %+v\nwant %+v", f.Describe(), c.Serial, after[i], want)
			}
		}
		if len(matched) == 0 {
			if res.Op != 0 || historyLen(t, s) != hist {
				t.Errorf("%s: an edit of no card wrote history (op %d, %d -> %d entries)", f.Describe(), res.Op, hist, historyLen(t, s))
			}
			continue
		}
		h := newestHistory(t, s, 1)
		if historyLen(t, s) != hist+1 || h[0].ID != res.Op || h[0].Action != "edit" || h[0].Cards != int64(len(matched)) ||
			h[0].Filter != f.Describe() || !h[0].Undoable {
			t.Errorf("%s: history %+v (%d -> %d entries)", f.Describe(), h, hist, historyLen(t, s))
		}
		// Undo puts back exactly the cards as they were.
		u, err := s.Undo(ctx, res.Op)
		if err != nil {
			t.Fatalf("%s: undo: %v", f.Describe(), err)
		}
		if u.Reverted != int64(len(matched)) || u.Restored != 0 {
			t.Errorf("%s: undo %+v, want %d cards reverted", f.Describe(), u, len(matched))
		}
		if got := allCards(t, s); !reflect.DeepEqual(got, before) {
			t.Errorf("%s: after undo the cards differ from before the edit", f.Describe())
		}
		clk.advance(time.Minute)
	}
}

// openCopy opens a copy of a database file (so that the original stays as
// it is) as a store.
func openCopy(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(cp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := openStoreAt(t, cp)
	return s
}

func TestMassEditRefusals(t *testing.T) {
	t.Parallel()
	s, _ := editFixture(t)
	ctx := context.Background()
	all := data.Filter{SerialFrom: serialPtr("A", 0)}
	cases := []struct {
		name string
		e    data.Edit
		want error
	}{
		{"no-op", data.Edit{}, data.ErrInvalid},
		{"no-op with a blank reseller", data.Edit{Reseller: "   "}, data.ErrInvalid},
		{"unknown reseller", data.Edit{Reseller: "Nobody"}, data.ErrNotFound},
		{"unknown reseller with a block", data.Edit{Reseller: "Nobody", Block: data.BlockSet}, data.ErrNotFound},
		{"expiry set without a date", data.Edit{Expiry: data.ExpirySet}, data.ErrInvalid},
	}
	for _, c := range cases {
		before := stateOf(t, s)
		_, err := s.MassEdit(ctx, all, c.e)
		wantErr(t, err, c.want, c.name)
		assertUnchanged(t, s, before)
	}
}

func TestDeleteWithFilter(t *testing.T) {
	t.Parallel()
	s, clk := editFixture(t)
	ctx := context.Background()
	before := allCards(t, s)
	batches, _ := s.Batches(ctx)
	hist := historyLen(t, s)
	f := data.Filter{AmountFrom: i64(6_0000), Status: data.StatusNew} // 6.00
	deleted := cardsWhere(before, func(c data.Card) bool { return matches(c, f, clk.now()) })
	if len(deleted) < 2 || len(deleted) == len(before) {
		t.Fatalf("filter matches %d of %d cards; the test needs some but not all", len(deleted), len(before))
	}
	res, err := s.Delete(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cards != int64(len(deleted)) {
		t.Errorf("deleted %d cards, want %d", res.Cards, len(deleted))
	}
	want := cardsWhere(before, func(c data.Card) bool { return !matches(c, f, clk.now()) })
	if got := allCards(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("after delete %d cards remain, want %d untouched", len(got), len(want))
	}
	if after, _ := s.Batches(ctx); !reflect.DeepEqual(after, batches) {
		t.Error("delete changed the batches")
	}
	h := newestHistory(t, s, 1)[0]
	if historyLen(t, s) != hist+1 || h.ID != res.Op || h.Action != "delete" || h.Cards != res.Cards || h.Filter != f.Describe() || !h.Undoable {
		t.Errorf("history after delete: %+v", h)
	}
	u, err := s.Undo(ctx, res.Op)
	if err != nil || u.Restored != res.Cards || u.Reverted != 0 {
		t.Fatalf("undo of the delete: %+v, %v", u, err)
	}
	if got := allCards(t, s); !reflect.DeepEqual(got, before) {
		t.Error("after undo of the delete the cards differ from before")
	}

	// A filter that matches nothing deletes nothing and writes no history.
	st := stateOf(t, s)
	res, err = s.Delete(ctx, data.Filter{Batch: 999})
	if err != nil || res.Cards != 0 || res.Op != 0 {
		t.Errorf("delete of nothing: %+v, %v", res, err)
	}
	assertUnchanged(t, s, st)
}

func TestDeleteEmptyFilterRefused(t *testing.T) {
	t.Parallel()
	s, _ := editFixture(t)
	before := stateOf(t, s)
	_, err := s.Delete(context.Background(), data.Filter{})
	wantErr(t, err, data.ErrEmptyFilter, "delete with an empty filter")
	assertUnchanged(t, s, before)
}

func TestDeleteAll(t *testing.T) {
	t.Parallel()
	s, _ := editFixture(t)
	ctx := context.Background()
	before := allCards(t, s)
	batches, _ := s.Batches(ctx)
	resellers, _ := s.Resellers(ctx)
	res, err := s.DeleteAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cards != int64(len(before)) {
		t.Errorf("delete all: %d cards, want %d", res.Cards, len(before))
	}
	if n, _ := s.Count(ctx, data.Filter{}); n != 0 {
		t.Errorf("%d cards left after delete all", n)
	}
	if after, _ := s.Batches(ctx); !reflect.DeepEqual(after, batches) {
		t.Error("delete all changed the batches")
	}
	if after, _ := s.Resellers(ctx); len(after) != len(resellers) {
		t.Error("delete all removed resellers")
	}
	if h := newestHistory(t, s, 1)[0]; h.ID != res.Op || h.Action != "delete all" || !h.Undoable {
		t.Errorf("history after delete all: %+v", h)
	}
	// Delete all of nothing: no history.
	st := stateOf(t, s)
	res, err = s.DeleteAll(ctx)
	if err != nil || res.Cards != 0 || res.Op != 0 {
		t.Errorf("delete all of nothing: %+v, %v", res, err)
	}
	assertUnchanged(t, s, st)
}

// checkSnapshotFile checks that path is a private file in backups/ next to
// the database, listed by Snapshots.
func checkSnapshotFile(t *testing.T, s *sqlite.Store, path string) {
	t.Helper()
	if path == "" {
		t.Fatal("no snapshot taken")
	}
	if want := filepath.Join(filepath.Dir(s.Path()), "backups"); filepath.Dir(path) != want || s.BackupDir() != want {
		t.Errorf("snapshot %s is not in %s", path, want)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("snapshot mode %v, want 0600", info.Mode().Perm())
	}
	snaps, err := s.Backups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(snaps, func(sn data.Backup) bool { return sn.Path == path }) {
		t.Errorf("snapshot %s is not listed by Snapshots", path)
	}
	// It is a complete database of its own.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("snapshot integrity: %q, %v", ok, err)
	}
}
