package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
)

func resellerNames(t *testing.T, s *sqlite.Store) map[string]int64 {
	t.Helper()
	rs, err := s.Resellers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rs {
		out[r.Name] = r.Cards
	}
	return out
}

func TestResellerAdd(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	r := mustAddReseller(t, s, "  Acme   Corp ")
	if r.Name != "Acme Corp" || r.ID == 0 || !r.CreatedAt.Equal(t0) {
		t.Errorf("added %+v", r)
	}
	mustAddReseller(t, s, "Žofia Trade")
	for _, dup := range []string{"Acme Corp", "acme corp", "ACME CORP", " acme  CORP  "} {
		before := stateOf(t, s)
		_, err := s.AddReseller(ctx, dup)
		wantErr(t, err, data.ErrDuplicate, "add "+dup)
		assertUnchanged(t, s, before)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", 101)} {
		before := stateOf(t, s)
		_, err := s.AddReseller(ctx, bad)
		wantErr(t, err, data.ErrInvalid, "add "+bad)
		assertUnchanged(t, s, before)
	}
	names := resellerNames(t, s)
	if len(names) != 2 || names["Acme Corp"] != 0 || names["Žofia Trade"] != 0 {
		t.Errorf("resellers %v", names)
	}
}

func TestResellerRename(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustAddReseller(t, s, "Beta Shop")
	b := mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 4, Series: "R", Reseller: "Acme Corp"})
	if err := s.RenameReseller(ctx, "acme corp", "Acme  International"); err != nil {
		t.Fatal(err)
	}
	for _, c := range allCards(t, s) {
		if c.Reseller != "Acme International" {
			t.Errorf("card %s belongs to %q after the rename", c.Serial, c.Reseller)
		}
	}
	if n, _ := s.Count(ctx, data.Filter{Reseller: "acme international", Batch: b.ID}); n != 4 {
		t.Errorf("filter by the new name finds %d cards, want 4", n)
	}
	if n, _ := s.Count(ctx, data.Filter{Reseller: "Acme Corp"}); n != 0 {
		t.Errorf("filter by the old name finds %d cards, want 0", n)
	}
	// A change of case only is a rename of the same reseller.
	if err := s.RenameReseller(ctx, "Acme International", "ACME International"); err != nil {
		t.Errorf("rename to another case: %v", err)
	}
	cases := []struct {
		old, name string
		want      error
	}{
		{"ACME International", "beta SHOP", data.ErrDuplicate},
		{"Nobody", "Somebody", data.ErrNotFound},
		{"Beta Shop", "  ", data.ErrInvalid},
	}
	for _, c := range cases {
		before := stateOf(t, s)
		err := s.RenameReseller(ctx, c.old, c.name)
		wantErr(t, err, c.want, "rename "+c.old+" to "+c.name)
		assertUnchanged(t, s, before)
	}
	names := resellerNames(t, s)
	if len(names) != 2 || names["ACME International"] != 4 || names["Beta Shop"] != 0 {
		t.Errorf("resellers %v", names)
	}
}

func TestResellerRemove(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustAddReseller(t, s, "Beta Shop")
	b := mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 3, Series: "R", Reseller: "Acme Corp"})
	before := stateOf(t, s)
	err := s.RemoveReseller(ctx, "ACME corp")
	wantErr(t, err, data.ErrResellerInUse, "remove a reseller with cards")
	if err != nil && !strings.Contains(err.Error(), "3 cards") {
		t.Errorf("message %q does not say how many cards", err)
	}
	assertUnchanged(t, s, before)
	wantErr(t, s.RemoveReseller(ctx, "Nobody"), data.ErrNotFound, "remove an unknown reseller")
	assertUnchanged(t, s, before)

	// Move the cards to another reseller; then the removal is allowed.
	if _, err := s.MassEdit(ctx, data.Filter{Batch: b.ID}, data.Edit{Reseller: "beta shop"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveReseller(ctx, "acme CORP"); err != nil {
		t.Fatalf("remove after moving the cards: %v", err)
	}
	names := resellerNames(t, s)
	if len(names) != 1 || names["Beta Shop"] != 3 {
		t.Errorf("resellers %v", names)
	}
	// Deleting the cards frees a reseller too.
	if _, err := s.Delete(ctx, data.Filter{Reseller: "Beta Shop"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveReseller(ctx, "Beta Shop"); err != nil {
		t.Errorf("remove after deleting the cards: %v", err)
	}
	// A removed reseller's name can be added again.
	mustAddReseller(t, s, "Acme Corp")
}

// Names differing only in the case of non-ASCII letters are the same
// reseller: refused as duplicates and found by either spelling.
func TestResellerNamesFoldEveryAlphabet(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := s.AddReseller(ctx, "Žofia Trade"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddReseller(ctx, "žofia trade"); !errors.Is(err, data.ErrDuplicate) {
		t.Fatalf("duplicate in another case: %v", err)
	}
	if _, err := s.AddReseller(ctx, "ОЛЬГА"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 3, Series: "Z", Reseller: "ольга"}, nil); err != nil {
		t.Fatalf("generate for a reseller typed in lower case: %v", err)
	}
	n, err := s.Count(ctx, data.Filter{Reseller: "Ольга"})
	if err != nil || n != 3 {
		t.Fatalf("filter by another case: %d, %v", n, err)
	}
	if err := s.RenameReseller(ctx, "ольга", "Olga"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx, data.Filter{Reseller: "OLGA"}); n != 3 {
		t.Fatalf("after rename: %d", n)
	}
}
