package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"topupcards/data"
)

// An export's read transaction sees one state from start to end, while a
// redemption (in this process and in another), a delete and a new batch go
// on beside it, unblocked.
func TestReadSeesOneStateAndBlocksNoWriter(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	b := mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 300, Series: "3"})
	all := allCards(t, s)
	f := data.Filter{Status: data.StatusNew}
	var before []int64
	err := s.Read(ctx, func(r data.Reader) error {
		n, err := r.Count(ctx, f)
		if err != nil {
			return err
		}
		if err := r.Each(ctx, f, data.Sort{}, func(c data.Card) error { before = append(before, c.ID); return nil }); err != nil {
			return err
		}
		// Writers, each with a deadline far beyond what it needs: a write
		// lock held by the reader would make them wait for it (busy_timeout
		// is a minute) and fail here.
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if _, err := s.Redeem(wctx, all[0].PIN, "Rose Orig"); err != nil {
			t.Errorf("redeem during a read: %v", err)
		}
		if _, err := s.Delete(wctx, data.Filter{IDs: []int64{all[1].ID}}); err != nil {
			t.Errorf("delete during a read: %v", err)
		}
		if _, err := s.Generate(wctx, data.GenerateParams{Amount: 800, Quantity: 50, Series: "3"}, nil); err != nil {
			t.Errorf("generate during a read: %v", err)
		}
		cmd, stdin, out := helper(t, "redeem", s.Path(), all[2].PIN, "Other Process")
		if got := readLine(t, out, "helper"); got != "ready" {
			t.Fatalf("helper: %q", got)
		}
		stdin.Write([]byte("go\n"))
		if got := readLine(t, out, "helper"); got != "redeemed" {
			t.Errorf("another process's redemption during a read: %q", got)
		}
		cmd.Wait()
		clk.advance(24 * time.Hour) // the reader's time stays put

		n2, err := r.Count(ctx, f)
		if err != nil {
			return err
		}
		if n2 != n || n != 300 {
			t.Errorf("count in one read: %d, then %d after the writes; want 300 both times", n, n2)
		}
		var again []int64
		if err := r.Each(ctx, f, data.Sort{}, func(c data.Card) error {
			if st := c.StatusAt(r.Now()); st != data.StatusNew {
				t.Errorf("card %s is %s inside the read", c.Serial, st)
			}
			again = append(again, c.ID)
			return nil
		}); err != nil {
			return err
		}
		if !slices.Equal(before, again) {
			t.Errorf("two passes in one read differ: %d then %d cards", len(before), len(again))
		}
		sum, err := r.Summarize(ctx, f)
		if err != nil {
			return err
		}
		if sum.Cards != 300 {
			t.Errorf("summary in the read: %d cards, want 300", sum.Cards)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// After the read, the writes are there.
	n, err := s.Count(ctx, data.Filter{Batch: b.ID, Status: data.StatusNew})
	if err != nil {
		t.Fatal(err)
	}
	if n != 297 {
		t.Errorf("after the read: %d new cards in batch %d, want 297", n, b.ID)
	}
}

func TestReaderStatusTotals(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 10, Series: "3", ExpiresAt: t0.Add(48 * time.Hour)})
	mustGenerate(t, s, data.GenerateParams{Amount: 2600, Currency: "EUR", Quantity: 5, Series: "4"})
	all := allCards(t, s)
	if _, err := s.Redeem(ctx, all[0].PIN, "Rose"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{all[1].ID, all[2].ID, all[10].ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	clk.advance(72 * time.Hour) // batch 1 has expired
	var got []string
	err := s.Read(ctx, func(r data.Reader) error {
		ts, err := r.StatusTotals(ctx, data.Filter{})
		for _, st := range ts {
			got = append(got, st.Currency+" "+string(st.Status)+" "+data.Plain.Number(data.Money{Minor: st.Face, Currency: st.Currency})+" "+strings.Repeat("|", int(st.Cards)))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"EUR new 104.00 ||||", "USD activated 8.00 |", "USD expired 56.00 |||||||", "EUR blocked 26.00 |", "USD blocked 16.00 ||"}
	if !slices.Equal(got, want) {
		t.Errorf("status totals:\n got %q\nwant %q", got, want)
	}
}
