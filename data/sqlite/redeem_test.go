package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// redeemFixture has a plain batch, a check-digit batch of 10-digit PINs
// that expires, and a reseller.
func redeemFixture(t *testing.T) (*sqlite.Store, *clock, []data.Card) {
	t.Helper()
	s, clk := newStore(t)
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 5, Series: "3"})
	mustGenerate(t, s, data.GenerateParams{Amount: 1250, Currency: "EUR", Quantity: 5, Series: "L", PINLength: 10,
		CheckDigit: true, ExpiresAt: t0.Add(48 * time.Hour)})
	return s, clk, allCards(t, s)
}

func TestRedeemSuccess(t *testing.T) {
	t.Parallel()
	s, clk, all := redeemFixture(t)
	ctx := context.Background()
	c := cardBySerial(t, all, "L", 2)
	clk.advance(90 * time.Minute)
	// Typed as printed, with dashes and extra spaces, and a client name
	// with untidy spaces.
	typed := " " + strings.ReplaceAll(data.GroupPIN(c.PIN), " ", " - ") + " "
	hist := historyLen(t, s)
	got, err := s.Redeem(ctx, typed, "  Rose   Orig ")
	if err != nil {
		t.Fatalf("redeem %q: %v", typed, err)
	}
	want := c
	want.ActivatedAt, want.ActivatedBy = clk.now(), "Rose Orig"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("redeem returned\n %+v\nwant\n %+v", got, want)
	}
	if got.Amount != (data.Money{Minor: 1250, Currency: "EUR"}) || got.Serial.String() != "L-000000002" {
		t.Errorf("redeemed %s on %s", got.Amount, got.Serial)
	}
	// The store holds exactly that change.
	after := allCards(t, s)
	for i := range all {
		w := all[i]
		if w.ID == c.ID {
			w = want
		}
		if !reflect.DeepEqual(after[i], w) {
			t.Errorf("card %s after redeem: %+v, want %+v", w.Serial, after[i], w)
		}
	}
	h := newestHistory(t, s, 1)[0]
	if historyLen(t, s) != hist+1 || h.Action != "redeem" || h.Cards != 1 || !strings.Contains(h.Detail, "L-000000002") {
		t.Errorf("history %+v", h)
	}
}

func TestRedeemOutcomes(t *testing.T) {
	t.Parallel()
	s, clk, all := redeemFixture(t)
	ctx := context.Background()
	plain := cardBySerial(t, all, "3", 1)
	checked := cardBySerial(t, all, "L", 1)
	blocked := cardBySerial(t, all, "3", 2)
	expiring := cardBySerial(t, all, "L", 3)
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{blocked.ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	firstAt := t0.Add(time.Hour)
	clk.set(firstAt)
	if _, err := s.Redeem(ctx, plain.PIN, "Žofia Nováková"); err != nil {
		t.Fatal(err)
	}
	clk.set(t0.Add(2 * time.Hour))

	// A wrong check digit in a check-digit batch's PIN length is a typo.
	typo := checked.PIN[:9] + string('0'+(checked.PIN[9]-'0'+1)%10)
	// A PIN of the same length with a valid check digit but no card.
	var unknownValid string
	for d := byte('0'); d <= '9'; d++ {
		p := "999999999" + string(d)
		if data.LuhnValid(p) && p != checked.PIN {
			unknownValid = p
		}
	}
	// A wrong last digit in a 12-digit PIN: no check-digit batch has that
	// length, so it is simply not found.
	wrongPlain := cardBySerial(t, all, "3", 4).PIN[:11] + string('0'+(cardBySerial(t, all, "3", 4).PIN[11]-'0'+1)%10)

	cases := []struct {
		name, pin string
		at        time.Time
		want      error
		card      data.Card // zero: no card returned
		says      []string  // the message mentions these
	}{
		{"not found", "1234 5678 9012", clk.now(), data.ErrNotFound, data.Card{}, nil},
		{"not found, valid check digit", unknownValid, clk.now(), data.ErrNotFound, data.Card{}, nil},
		{"not found, 12 digits, wrong last digit", wrongPlain, clk.now(), data.ErrNotFound, data.Card{}, nil},
		{"typo", typo, clk.now(), data.ErrTypo, data.Card{}, []string{"mistyped"}},
		{"typo typed with dashes", typo[:5] + "-" + typo[5:], clk.now(), data.ErrTypo, data.Card{}, nil},
		{"already activated", data.GroupPIN(plain.PIN), clk.now(), data.ErrAlreadyRedeemed, plain,
			[]string{"Žofia Nováková", data.Plain.Timestamp(firstAt)}},
		{"blocked", blocked.PIN, clk.now(), data.ErrBlocked, blocked, []string{"blocked"}},
		{"expired", expiring.PIN, expiring.ExpiresAt, data.ErrExpired, expiring, []string{"expired"}},
		{"expired later", expiring.PIN, expiring.ExpiresAt.Add(time.Hour), data.ErrExpired, expiring, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk.set(c.at)
			before := allCards(t, s)
			hist := historyLen(t, s)
			got, err := s.Redeem(ctx, c.pin, "Bob")
			wantErr(t, err, c.want, "redeem "+c.pin)
			for _, other := range []error{data.ErrNotFound, data.ErrTypo, data.ErrAlreadyRedeemed, data.ErrBlocked, data.ErrExpired} {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("error %v also says %v", err, other)
				}
			}
			if c.card.ID != 0 {
				cur := before[indexOf(before, c.card.ID)]
				if !reflect.DeepEqual(got, cur) {
					t.Errorf("returned card %+v, want %+v", got, cur)
				}
			} else if got.ID != 0 {
				t.Errorf("returned card %+v, want none", got)
			}
			for _, w := range c.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not mention %q", err, w)
				}
			}
			if !reflect.DeepEqual(allCards(t, s), before) {
				t.Error("a refused redemption changed the cards")
			}
			// Refusals are logged by design, with no card counted.
			h := newestHistory(t, s, 1)[0]
			if historyLen(t, s) != hist+1 || h.Action != "redeem refused" || h.Cards != 0 {
				t.Errorf("history after refusal: %+v", h)
			}
		})
	}
	// The card that expired can still be redeemed the second before.
	clk.set(expiring.ExpiresAt.Add(-time.Second))
	if _, err := s.Redeem(ctx, expiring.PIN, "Bob"); err != nil {
		t.Errorf("redeem a second before expiry: %v", err)
	}
}

func indexOf(cards []data.Card, id int64) int {
	for i, c := range cards {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func TestRedeemBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	s, _, all := redeemFixture(t)
	pin := all[0].PIN
	cases := []struct{ name, pin, client string }{
		{"empty client", pin, ""},
		{"blank client", pin, " \t "},
		{"client too long", pin, strings.Repeat("x", 201)},
		{"empty PIN", "", "Bob"},
		{"PIN with letters", "12AB-5678", "Bob"},
		{"PIN too long", strings.Repeat("1", 21), "Bob"},
	}
	for _, c := range cases {
		before := stateOf(t, s)
		_, err := s.Redeem(context.Background(), c.pin, c.client)
		wantErr(t, err, data.ErrInvalid, c.name)
		assertUnchanged(t, s, before)
	}
}

func TestRedeemConcurrentGoroutines(t *testing.T) {
	t.Parallel()
	s, clk, all := redeemFixture(t)
	clk.advance(time.Minute)
	target := cardBySerial(t, all, "3", 3)
	const n = 100
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Redeem(context.Background(), target.PIN, fmt.Sprintf("client %03d", i))
		}()
	}
	close(start)
	wg.Wait()
	winner, already := -1, 0
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("clients %d and %d both redeemed the card", winner, i)
			}
			winner = i
		case errors.Is(err, data.ErrAlreadyRedeemed):
			already++
		default:
			t.Errorf("client %d: %v", i, err)
		}
	}
	if winner < 0 || already != n-1 {
		t.Fatalf("%d already-redeemed refusals and winner %d; want exactly one success and %d refusals", already, winner, n-1)
	}
	c, err := s.Card(context.Background(), target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.ActivatedBy != fmt.Sprintf("client %03d", winner) {
		t.Errorf("card activated by %q, the winner was client %03d", c.ActivatedBy, winner)
	}
	var redeemed, refused int
	if err := s.DB().QueryRow(`SELECT count(CASE WHEN action = 'redeem' THEN 1 END),
		count(CASE WHEN action = 'redeem refused' THEN 1 END) FROM history`).Scan(&redeemed, &refused); err != nil {
		t.Fatal(err)
	}
	if redeemed != 1 || refused != n-1 {
		t.Errorf("history holds %d redemptions and %d refusals", redeemed, refused)
	}
	// Only that card changed.
	after := allCards(t, s)
	for i := range all {
		if all[i].ID != target.ID && !reflect.DeepEqual(all[i], after[i]) {
			t.Errorf("card %s changed", all[i].Serial)
		}
	}
}
