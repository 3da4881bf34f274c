package sqlite_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"topupcards/data"
)

// The first failure of issue 8: edit two cards, redeem one, undo the edit,
// redeem again. The undo must keep the redemption, and the second
// redemption must be refused.
func TestUndoKeepsRedemptions(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 5, Series: "3"})
	two := data.Filter{SerialFrom: serialPtr("3", 1), SerialTo: serialPtr("3", 2)}
	clk.advance(time.Minute)
	edit, err := s.MassEdit(ctx, two, data.Edit{Reseller: "Acme Corp", Expiry: data.ExpirySet, ExpireAt: t0.Add(48 * time.Hour)})
	if err != nil || edit.Cards != 2 {
		t.Fatalf("edit: %+v, %v", edit, err)
	}
	p := allCards(t, s)[0]
	clk.advance(time.Minute)
	if _, err := s.Redeem(ctx, p.PIN, "Rose Orig"); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	u, err := s.Undo(ctx, edit.Op)
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if u.Reverted != 2 {
		t.Errorf("undo reverted %d cards, want 2", u.Reverted)
	}
	c, err := s.Card(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.ActivatedBy != "Rose Orig" || c.Reseller != "" || !c.ExpiresAt.IsZero() {
		t.Errorf("after undo card %s: activated by %q, reseller %q, expiry %v; want still redeemed, edit undone",
			c.Serial, c.ActivatedBy, c.Reseller, c.ExpiresAt)
	}
	if _, err := s.Redeem(ctx, p.PIN, "Bob"); !errors.Is(err, data.ErrAlreadyRedeemed) {
		t.Errorf("second redemption after undo: %v, want refused as already activated", err)
	}
	// The undo is in the history, and the edit says it was undone.
	h := newestHistory(t, s, 3)
	if h[0].Action != "redeem refused" || h[1].Action != "undo" || h[1].UndoOf != edit.Op || h[1].Cards != 2 || h[1].Undoable {
		t.Errorf("history after undo: %+v", h[:2])
	}
	e, err := s.HistoryEntry(ctx, edit.Op)
	if err != nil || e.UndoneBy != h[1].ID || e.Undoable {
		t.Errorf("the undone edit: %+v, %v", e, err)
	}
}

// A deleted card that was redeemed comes back redeemed, and a redeemed card
// can never be made redeemable again, not even by SQL that tries.
func TestUndoDeleteBringsBackRedemptions(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 4, Series: "3"})
	cards := allCards(t, s)
	if _, err := s.Redeem(ctx, cards[1].PIN, "Rose Orig"); err != nil {
		t.Fatal(err)
	}
	before := allCards(t, s)
	del, err := s.Delete(ctx, data.Filter{Batch: cards[0].BatchID})
	if err != nil || del.Cards != 4 {
		t.Fatalf("delete: %+v, %v", del, err)
	}
	if _, err := s.Undo(ctx, del.Op); err != nil {
		t.Fatal(err)
	}
	if got := allCards(t, s); !reflect.DeepEqual(got, before) {
		t.Errorf("after undo of the delete:\n got %+v\nwant %+v", got, before)
	}
	if _, err := s.Redeem(ctx, cards[1].PIN, "Bob"); !errors.Is(err, data.ErrAlreadyRedeemed) {
		t.Errorf("redeem after undo: %v, want already activated", err)
	}
	// The database itself refuses to clear a redemption or to bring a card
	// back without it.
	if _, err := s.DB().Exec("UPDATE cards SET activated_at = NULL, activated_by = NULL WHERE id = ?", cards[1].ID); err == nil {
		t.Error("the database let a redemption be cleared")
	}
	if _, err := s.DB().Exec("DELETE FROM cards WHERE id = ?", cards[1].ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().Exec(`INSERT INTO cards (id, series, number, pin, amount, currency, batch_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, cards[1].ID, "3", cards[1].Serial.Number, cards[1].PIN, 800, "USD", cards[1].BatchID, 0)
	if err == nil || !strings.Contains(err.Error(), "stays redeemed") {
		t.Errorf("the database let a redeemed card come back redeemable: %v", err)
	}
}

// Undo refuses, naming the cards, when a later operation changed them; the
// later one undone first, it goes through. Nothing changes on a refusal.
func TestUndoRefusesLaterChanges(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 6, Series: "3"})
	original := allCards(t, s)
	first, err := s.MassEdit(ctx, data.Filter{SerialTo: serialPtr("3", 4)}, data.Edit{Block: data.BlockSet})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	second, err := s.MassEdit(ctx, data.Filter{SerialFrom: serialPtr("3", 3)}, data.Edit{Reseller: "Acme Corp"})
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	third, err := s.Delete(ctx, data.Filter{SerialFrom: serialPtr("3", 4), SerialTo: serialPtr("3", 4)})
	if err != nil {
		t.Fatal(err)
	}
	st := stateOf(t, s)
	_, err = s.Undo(ctx, first.Op)
	wantErr(t, err, data.ErrConflict, "undo of an edit whose cards were changed since")
	for _, w := range []string{"3-000000003 (changed since by #", "3-000000004 (deleted since by #", "2 cards", "(#5, #4)"} {
		if err != nil && !strings.Contains(err.Error(), w) {
			t.Errorf("refusal %q does not say %q", err, w)
		}
	}
	assertUnchanged(t, s, st)
	// Undo the later ones, newest first; then the first goes through and
	// every card is as generated.
	for _, op := range []int64{third.Op, second.Op, first.Op} {
		clk.advance(time.Minute)
		if _, err := s.Undo(ctx, op); err != nil {
			t.Fatalf("undo #%d: %v", op, err)
		}
	}
	if got := allCards(t, s); !reflect.DeepEqual(got, original) {
		t.Error("after undoing all three the cards differ from the generated ones")
	}
	// Each undoes once; an undo, a redemption and a generation are not
	// undoable; an unknown entry is not found.
	st = stateOf(t, s)
	_, err = s.Undo(ctx, first.Op)
	wantErr(t, err, data.ErrNotUndoable, "a second undo")
	hs := newestHistory(t, s, 1)
	_, err = s.Undo(ctx, hs[0].ID)
	wantErr(t, err, data.ErrNotUndoable, "undo of an undo")
	_, err = s.Undo(ctx, 1)
	wantErr(t, err, data.ErrNotUndoable, "undo of a reseller added")
	_, err = s.Undo(ctx, 999)
	wantErr(t, err, data.ErrNotFound, "undo of an unknown entry")
	assertUnchanged(t, s, st)
}

// A later change that was itself undone no longer stands in the way.
func TestUndoAfterALaterChangeWasUndone(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "3"})
	original := allCards(t, s)
	first, _ := s.MassEdit(ctx, data.Filter{Batch: 1}, data.Edit{Block: data.BlockSet})
	clk.advance(time.Minute)
	second, _ := s.MassEdit(ctx, data.Filter{Batch: 1}, data.Edit{Expiry: data.ExpiryClear, Block: data.BlockClear})
	if _, err := s.Undo(ctx, second.Op); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(ctx, first.Op); err != nil {
		t.Fatalf("undo after the later change was undone: %v", err)
	}
	if got := allCards(t, s); !reflect.DeepEqual(got, original) {
		t.Error("cards differ from the generated ones")
	}
}

// A deleted card whose PIN or serial was issued again is not brought back.
func TestUndoDeleteRefusesReissuedPIN(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "3"})
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 1, Series: "9"})
	cards := allCards(t, s)
	del, err := s.Delete(ctx, data.Filter{Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Another card now carries the PIN of a deleted one (as a new batch may,
	// once a PIN is free again).
	if _, err := s.DB().Exec("UPDATE cards SET pin = ? WHERE id = ?", cards[1].PIN, cards[3].ID); err != nil {
		t.Fatal(err)
	}
	st := stateOf(t, s)
	_, err = s.Undo(ctx, del.Op)
	wantErr(t, err, data.ErrConflict, "undo of a delete whose PIN was issued again")
	if err != nil && !strings.Contains(err.Error(), "3-000000002 (its PIN was issued to another card since)") {
		t.Errorf("refusal %q does not name the card", err)
	}
	assertUnchanged(t, s, st)
}

// The journal is kept for the set number of days, then pruned: the
// operation can no longer be undone and its rows are gone.
func TestJournalPruned(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "3"})
	if d, err := s.JournalDays(ctx); err != nil || d != data.DefaultJournalDays {
		t.Fatalf("journal days %d, %v; want %d", d, err, data.DefaultJournalDays)
	}
	old, _ := s.MassEdit(ctx, data.Filter{Batch: 1}, data.Edit{Block: data.BlockSet})
	clk.advance(89 * 24 * time.Hour)
	recent, _ := s.MassEdit(ctx, data.Filter{Batch: 1}, data.Edit{Block: data.BlockClear})
	if e, _ := s.HistoryEntry(ctx, old.Op); !e.Undoable {
		t.Error("an 89-day-old edit is no longer undoable")
	}
	clk.advance(2 * 24 * time.Hour)
	if err := s.SetJournalDays(ctx, 0); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("0 days: %v, want refused", err)
	}
	if err := s.SetJournalDays(ctx, 90); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.HistoryEntry(ctx, old.Op); e.Undoable {
		t.Error("a 91-day-old edit is still undoable after pruning")
	}
	if e, _ := s.HistoryEntry(ctx, recent.Op); !e.Undoable {
		t.Error("the recent edit was pruned")
	}
	_, err := s.Undo(ctx, old.Op)
	wantErr(t, err, data.ErrNotUndoable, "undo of a pruned edit")
	var rows int
	if err := s.DB().QueryRow("SELECT count(*) FROM undo_cards WHERE op_id = ?", old.Op).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d journal rows left of the pruned edit (%v)", rows, err)
	}
}

// The second failure of issue 8: a delete (and an edit) racing a
// generation in another process. Whatever the order the database chose,
// nothing is lost: the journal holds exactly the cards deleted, and undo
// brings back exactly those.
func TestDeleteAndEditRacingAGenerationInAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	t.Parallel()
	path := t.TempDir() + "/cards.db"
	s, _ := openStoreAt(t, path)
	ctx := context.Background()
	// The helper generates in series K at 1.00 (amount 100).
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 3000, Series: "K"})
	amount := data.Filter{AmountFrom: i64(10000), AmountTo: i64(10000)}
	cmd, _, out := helper(t, "generate", path, "60000")
	// Wait until the generation is under way, then delete and block the
	// same amount while it runs.
	if l := readLine(t, out, "generate"); !strings.HasPrefix(l, "progress") {
		t.Fatalf("helper: %q", l)
	}
	edit, err := s.MassEdit(ctx, amount, data.Edit{Block: data.BlockSet})
	if err != nil {
		t.Fatal(err)
	}
	blocked := allCards(t, s)
	del, err := s.Delete(ctx, amount)
	if err != nil {
		t.Fatal(err)
	}
	for {
		l := readLine(t, out, "generate")
		if strings.HasPrefix(l, "generated") {
			if l != "generated: <nil>" {
				t.Fatalf("helper: %q", l)
			}
			break
		}
	}
	cmd.Wait()
	if del.Cards != int64(len(blocked)) {
		t.Errorf("deleted %d cards, the edit before saw %d", del.Cards, len(blocked))
	}
	afterGen := allCards(t, s)
	if len(blocked)+len(afterGen) != 3000+60000 {
		t.Errorf("%d deleted + %d left = %d, want %d", len(blocked), len(afterGen), len(blocked)+len(afterGen), 63000)
	}
	if _, err := s.Undo(ctx, del.Op); err != nil {
		t.Fatal(err)
	}
	all := allCards(t, s)
	if len(all) != 63000 {
		t.Fatalf("after undo %d cards, want 63000", len(all))
	}
	// Exactly the deleted set came back, with the values it had.
	wasDeleted := map[int64]bool{}
	for _, c := range blocked {
		wasDeleted[c.ID] = true
	}
	back := cardsWhere(all, func(c data.Card) bool { return wasDeleted[c.ID] })
	if !reflect.DeepEqual(back, blocked) {
		t.Error("the cards brought back differ from the cards deleted")
	}
	// The edit's undo unblocks exactly the cards it blocked.
	if _, err := s.Undo(ctx, edit.Op); err != nil {
		t.Fatal(err)
	}
	n, err := s.Count(ctx, data.Filter{Status: data.StatusBlocked})
	if err != nil || n != 0 {
		t.Errorf("%d cards still blocked after undoing the block (%v)", n, err)
	}
}
