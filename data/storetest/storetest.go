// Package storetest is the conformance suite of data.Store: every backend
// (sqlite, postgres) runs Run from its tests, so that generation, every
// filter, sort and page, mass edit, delete, the undo journal, redemption,
// print runs, resellers and the history mean the same on each.
//
// The suite checks the store against the test's own reading of the rules
// (match, below), computed in Go over every card the store holds.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"topupcards/data"
)

// Opener makes a new, empty store for one test; the suite closes it.
type Opener func(t *testing.T) data.Store

// clocked is a store whose clock a test can set (both backends have it).
type clocked interface {
	SetClock(now func() time.Time)
}

// T0 is the stores' clock at the start of every test.
var T0 = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// env is one test's store and clock.
type env struct {
	t   *testing.T
	s   data.Store
	clk *clock
	ctx context.Context
}

func newEnv(t *testing.T, open Opener) *env {
	s := open(t)
	t.Cleanup(func() { s.Close() })
	c, ok := s.(clocked)
	if !ok {
		t.Fatalf("%T has no SetClock(func() time.Time): the suite needs to set the store's time", s)
	}
	clk := &clock{t: T0}
	c.SetClock(clk.now)
	return &env{t: t, s: s, clk: clk, ctx: context.Background()}
}

// Run runs the whole suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(e *env)
	}{
		{"Generate", testGenerate},
		{"Filters", testFilters},
		{"SortsAndPages", testSortsAndPages},
		{"Redeem", testRedeem},
		{"RedeemRace", testRedeemRace},
		{"MassEditAndUndo", testMassEditAndUndo},
		{"DeleteAndUndo", testDeleteAndUndo},
		{"UndoConflict", testUndoConflict},
		{"PrintRuns", testPrintRuns},
		{"Resellers", testResellers},
		{"HistoryAndSettings", testHistoryAndSettings},
		{"Read", testRead},
		{"AmountsAcrossCurrencies", testAmountsAcrossCurrencies},
		{"Templates", testTemplates},
		{"KeptCounts", testKeptCounts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(newEnv(t, open)) })
	}
}

func (e *env) gen(p data.GenerateParams) data.Batch {
	e.t.Helper()
	b, err := e.s.Generate(e.ctx, p, nil)
	if err != nil {
		e.t.Fatalf("generate %+v: %v", p, err)
	}
	return b
}

func (e *env) all() []data.Card {
	e.t.Helper()
	ids, err := e.s.IDs(e.ctx, data.Filter{}, data.Sort{})
	if err != nil {
		e.t.Fatal(err)
	}
	cards, err := e.s.CardsByID(e.ctx, ids)
	if err != nil {
		e.t.Fatal(err)
	}
	return cards
}

func (e *env) count(f data.Filter) int64 {
	e.t.Helper()
	n, err := e.s.Count(e.ctx, f)
	if err != nil {
		e.t.Fatalf("count %s: %v", f.Describe(), err)
	}
	return n
}

func (e *env) batchCards(b data.Batch) []data.Card {
	e.t.Helper()
	var out []data.Card
	for _, c := range e.all() {
		if c.BatchID == b.ID {
			out = append(out, c)
		}
	}
	return out
}

// fixture is three batches in two series, two resellers, redemptions,
// blocked and printed cards, and (at the clock's time afterwards) expired
// cards of every kind a filter can tell apart.
type fixture struct {
	a, b, c data.Batch // a: series 3, check digit, expires; b: series 3, EUR; c: series 7
}

func (e *env) fixture() fixture {
	e.t.Helper()
	for _, n := range []string{"Ann's Shop", "Bob Ltd"} {
		if _, err := e.s.AddReseller(e.ctx, n); err != nil {
			e.t.Fatal(err)
		}
	}
	var fx fixture
	fx.a = e.gen(data.GenerateParams{Amount: 800, Currency: "USD", Quantity: 20, Series: "3", CheckDigit: true,
		Reseller: "ann's shop", ExpiresAt: T0.Add(48 * time.Hour)})
	e.clk.set(T0.Add(time.Minute))
	fx.b = e.gen(data.GenerateParams{Amount: 2000, Currency: "EUR", Quantity: 15, Series: "3", PINLength: 14})
	e.clk.set(T0.Add(2 * time.Minute))
	fx.c = e.gen(data.GenerateParams{Amount: 500, Quantity: 10, Series: "7", PINLength: 10, Reseller: "Bob Ltd",
		ExpiresAt: T0.Add(24 * 365 * time.Hour)})
	a := e.batchCards(fx.a)
	for i, who := range []string{"Rose Orig", "rose two", "Émile"} {
		e.clk.set(T0.Add(time.Duration(i+3) * time.Hour))
		if _, err := e.s.Redeem(e.ctx, a[i].PIN, who); err != nil {
			e.t.Fatal(err)
		}
	}
	b := e.batchCards(fx.b)
	if _, err := e.s.MassEdit(e.ctx, data.Filter{IDs: []int64{b[0].ID, b[1].ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		e.t.Fatal(err)
	}
	c := e.batchCards(fx.c)
	if _, err := e.s.RecordPrintRun(e.ctx, data.Filter{IDs: []int64{c[0].ID, c[1].ID, c[2].ID, c[3].ID}},
		data.PrintRun{Format: data.PrintPDF, Path: "/tmp/sheet.pdf"}); err != nil {
		e.t.Fatal(err)
	}
	// Past batch a's expiry: its unredeemed cards are expired.
	e.clk.set(T0.Add(72 * time.Hour))
	return fx
}

// match is the test's own reading of a filter.
func match(f data.Filter, c data.Card, now time.Time) bool {
	cmpSerial := func(a, b data.Serial) int {
		if a.Series != b.Series {
			return strings.Compare(a.Series, b.Series)
		}
		return int(a.Number - b.Number)
	}
	inDay := func(t, from, to time.Time) bool {
		if t.IsZero() {
			return from.IsZero() && to.IsZero()
		}
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
	}
	switch {
	case f.SerialFrom != nil && cmpSerial(c.Serial, *f.SerialFrom) < 0,
		f.SerialTo != nil && cmpSerial(c.Serial, *f.SerialTo) > 0,
		f.PIN != "" && c.PIN != f.PIN,
		f.Status != "" && c.StatusAt(now) != f.Status,
		f.Reseller != "" && !strings.EqualFold(c.Reseller, strings.Join(strings.Fields(f.Reseller), " ")),
		f.AmountFrom != nil && c.Amount.ToBound() < *f.AmountFrom,
		f.AmountTo != nil && c.Amount.ToBound() > *f.AmountTo,
		!inDay(c.ExpiresAt, f.ExpiryFrom, f.ExpiryTo),
		f.Client != "" && !strings.Contains(strings.ToLower(c.ActivatedBy), strings.ToLower(f.Client)),
		!inDay(c.ActivatedAt, f.ActivatedFrom, f.ActivatedTo),
		f.Batch != 0 && c.BatchID != f.Batch,
		f.IDs != nil && !slices.Contains(f.IDs, c.ID),
		f.Printed == data.PrintedYes && c.Printed == 0,
		f.Printed == data.PrintedNo && c.Printed > 0:
		return false
	}
	return true
}

// filters are searches over the fixture, each field alone and some
// together.
func filters(e *env, fx fixture, cards []data.Card) []data.Filter {
	i64 := func(v int64) *int64 { return &v }
	ser := func(s string, n int64) *data.Serial { return &data.Serial{Series: s, Number: n} }
	redeemed := cards[0]
	return []data.Filter{
		{},
		{SerialFrom: ser("3", 5), SerialTo: ser("3", 25)},
		{SerialFrom: ser("7", 0)},
		{SerialTo: ser("3", 999999999)},
		{PIN: redeemed.PIN},
		{Status: data.StatusNew}, {Status: data.StatusActivated}, {Status: data.StatusExpired}, {Status: data.StatusBlocked},
		{Reseller: "ANN'S  shop"}, {Reseller: "bob ltd"},
		{AmountFrom: i64(80000)}, {AmountTo: i64(80000)}, {AmountFrom: i64(60000), AmountTo: i64(100000)},
		{ExpiryFrom: T0.Add(24 * time.Hour)}, {ExpiryTo: T0.Add(24 * time.Hour * 3)},
		{Client: "rose"}, {Client: "ÉMILE"}, {Client: "nobody"}, {Client: "s_ two"}, {Client: "%"}, {Client: `\`},
		{ActivatedFrom: T0.Add(4 * time.Hour)}, {ActivatedTo: T0.Add(4 * time.Hour)},
		{Batch: fx.b.ID}, {Batch: fx.c.ID, Printed: data.PrintedYes}, {Printed: data.PrintedNo},
		{IDs: []int64{cards[1].ID, cards[30].ID, 999999}}, {IDs: []int64{}},
		{Status: data.StatusNew, Reseller: "Bob Ltd", AmountTo: i64(50000), SerialFrom: ser("7", 3)},
		{Status: data.StatusNew, Reseller: "ann's shop"}, {Status: data.StatusExpired, Batch: fx.a.ID},
		{Status: data.StatusActivated, Batch: fx.a.ID}, {Status: data.StatusBlocked, AmountFrom: i64(80000)},
		{Status: data.StatusNew, AmountFrom: i64(50000), AmountTo: i64(80000)}, {Reseller: "nobody"},
	}
}

func testGenerate(e *env) {
	fx := e.fixture()
	if fx.a.FirstNumber != 1 || fx.b.FirstNumber != 21 || fx.c.FirstNumber != 1 {
		e.t.Errorf("first serials %d, %d, %d; want 1, 21 (after batch a in series 3), 1", fx.a.FirstNumber, fx.b.FirstNumber, fx.c.FirstNumber)
	}
	cards := e.all()
	if len(cards) != 45 {
		e.t.Fatalf("%d cards, want 45", len(cards))
	}
	pins := map[string]bool{}
	serials := map[data.Serial]bool{}
	for _, c := range cards {
		if pins[c.PIN] || serials[c.Serial] {
			e.t.Errorf("card %s: PIN or serial given twice", c.Serial)
		}
		pins[c.PIN], serials[c.Serial] = true, true
		switch c.BatchID {
		case fx.a.ID:
			if len(c.PIN) != 12 || !data.LuhnValid(c.PIN) || c.Amount != (data.Money{Minor: 800, Currency: "USD"}) || c.Reseller != "Ann's Shop" {
				e.t.Errorf("batch a card %+v", c)
			}
		case fx.b.ID:
			if len(c.PIN) != 14 || c.Amount.Currency != "EUR" || c.ResellerID != 0 || !c.ExpiresAt.IsZero() {
				e.t.Errorf("batch b card %+v", c)
			}
		}
	}
	bs, err := e.s.Batches(e.ctx)
	if err != nil || len(bs) != 3 || bs[0].ID != fx.c.ID || !bs[2].CheckDigit || bs[1].PINLength != 14 {
		e.t.Errorf("Batches = %+v, %v", bs, err)
	}
	sum, err := e.s.Summarize(e.ctx, data.Filter{})
	if err != nil {
		e.t.Fatal(err)
	}
	want := []data.CurrencyTotal{{Currency: "EUR", Cards: 15, Face: 30000, Unredeemed: 30000},
		{Currency: "USD", Cards: 30, Face: 20*800 + 10*500, Unredeemed: 17*800 + 10*500}}
	if sum.Cards != 45 || !slices.Equal(sum.Totals, want) {
		e.t.Errorf("Summarize = %+v, want %+v", sum, want)
	}
	plan, err := e.s.PlanBatch(e.ctx, data.GenerateParams{Amount: 100, Quantity: 5, Series: "3"})
	if err != nil || plan.First.Number != 36 || plan.Last.Number != 40 {
		e.t.Errorf("PlanBatch = %+v, %v; want serials 36 to 40", plan, err)
	}
	if _, err := e.s.Generate(e.ctx, data.GenerateParams{Amount: 100, Quantity: 2000, Series: "9", PINLength: 5}, nil); !errors.Is(err, data.ErrGuessable) {
		e.t.Errorf("2000 five-digit PINs: %v, want ErrGuessable", err)
	}
	if _, err := e.s.Generate(e.ctx, data.GenerateParams{Amount: 100, Quantity: 1, Series: "9", Reseller: "nobody"}, nil); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("unknown reseller: %v, want ErrNotFound", err)
	}
	if n := e.count(data.Filter{}); n != 45 {
		e.t.Errorf("a refused batch left cards: %d", n)
	}
}

func testFilters(e *env) {
	fx := e.fixture()
	cards := e.all()
	now := e.s.Now()
	for _, f := range filters(e, fx, cards) {
		var want []int64
		for _, c := range cards {
			if match(f, c, now) {
				want = append(want, c.ID)
			}
		}
		got, err := e.s.IDs(e.ctx, f, data.Sort{})
		if err != nil {
			e.t.Errorf("IDs(%s): %v", f.Describe(), err)
			continue
		}
		if !slices.Equal(got, want) {
			e.t.Errorf("%s: got %d cards %v, want %d %v", f.Describe(), len(got), got, len(want), want)
		}
		if n := e.count(f); n != int64(len(want)) {
			e.t.Errorf("Count(%s) = %d, want %d", f.Describe(), n, len(want))
		}
		sum, err := e.s.Summarize(e.ctx, f)
		if err != nil || sum.Cards != int64(len(want)) {
			e.t.Errorf("Summarize(%s) = %+v, %v; want %d cards", f.Describe(), sum, err, len(want))
		}
	}
	for _, c := range []struct {
		want int
		stat data.Status
	}{{17, data.StatusExpired}, {3, data.StatusActivated}, {2, data.StatusBlocked}, {23, data.StatusNew}} {
		if n := e.count(data.Filter{Status: c.stat}); n != int64(c.want) {
			e.t.Errorf("%s cards: %d, want %d", c.stat, n, c.want)
		}
	}
}

// sortKey is the test's reading of a sort column's key (the store breaks
// ties by id).
func sortKey(col data.Column, c data.Card, now time.Time) any {
	switch col {
	case data.ColStatus:
		return int64(slices.Index([]data.Status{data.StatusNew, data.StatusActivated, data.StatusExpired, data.StatusBlocked}, c.StatusAt(now)))
	case data.ColAmount:
		return c.Amount.Minor
	case data.ColCurrency:
		return c.Amount.Currency
	case data.ColPIN:
		return c.PIN
	case data.ColReseller:
		return strings.ToLower(c.Reseller)
	case data.ColExpiresAt:
		if c.ExpiresAt.IsZero() {
			return int64(0)
		}
		return c.ExpiresAt.Unix()
	case data.ColActivatedBy:
		return strings.ToLower(c.ActivatedBy)
	case data.ColActivatedAt:
		if c.ActivatedAt.IsZero() {
			return int64(0)
		}
		return c.ActivatedAt.Unix()
	case data.ColCreatedAt:
		return c.CreatedAt.Unix()
	case data.ColBatch:
		return c.BatchID
	case data.ColPrinted:
		return int64(c.Printed)
	}
	return fmt.Sprintf("%s-%09d", c.Serial.Series, c.Serial.Number)
}

func compareKeys(a, b any) int {
	switch x := a.(type) {
	case int64:
		y := b.(int64)
		return int(min(max(x-y, -1), 1))
	case string:
		return strings.Compare(x, b.(string))
	}
	panic(fmt.Sprintf("key %T", a))
}

func testSortsAndPages(e *env) {
	fx := e.fixture()
	now := e.s.Now()
	cards := map[int64]data.Card{}
	for _, c := range e.all() {
		cards[c.ID] = c
	}
	for _, f := range []data.Filter{{}, {SerialFrom: &data.Serial{Series: "3", Number: 10}, Status: data.StatusExpired}, {Batch: fx.c.ID}} {
		for _, col := range append([]data.Column{""}, data.Columns...) {
			for _, desc := range []bool{false, true} {
				o := data.Sort{Column: col, Desc: desc}
				what := fmt.Sprintf("%s sorted by %q desc=%v", f.Describe(), col, desc)
				ids, err := e.s.IDs(e.ctx, f, o)
				if err != nil {
					e.t.Fatalf("%s: %v", what, err)
				}
				for i := 1; i < len(ids); i++ {
					a, b := cards[ids[i-1]], cards[ids[i]]
					cmp := compareKeys(sortKey(col, a, now), sortKey(col, b, now))
					if cmp == 0 {
						cmp = compareKeys(a.ID, b.ID)
					}
					if desc {
						cmp = -cmp
					}
					if cmp >= 0 {
						e.t.Errorf("%s: card %d (%v) before card %d (%v)", what, a.ID, sortKey(col, a, now), b.ID, sortKey(col, b, now))
					}
				}
				var paged []int64
				var cur data.Cursor
				for range 20 {
					page, next, err := e.s.Page(e.ctx, f, o, cur, 7)
					if err != nil {
						e.t.Fatalf("%s: page: %v", what, err)
					}
					for _, c := range page {
						paged = append(paged, c.ID)
					}
					if len(page) < 7 {
						break
					}
					cur = next
				}
				if !slices.Equal(paged, ids) {
					e.t.Errorf("%s: pages of 7 give %v, IDs gives %v", what, paged, ids)
				}
			}
		}
	}
}

func testRedeem(e *env) {
	fx := e.fixture()
	a, b, c := e.batchCards(fx.a), e.batchCards(fx.b), e.batchCards(fx.c)
	card, err := e.s.Redeem(e.ctx, data.GroupPIN(c[5].PIN), "  Carla   Diaz ")
	if err != nil || card.ID != c[5].ID || card.ActivatedBy != "Carla Diaz" || !card.ActivatedAt.Equal(e.s.Now()) {
		e.t.Fatalf("redeem: %+v, %v", card, err)
	}
	checks := []struct {
		pin, client string
		want        error
	}{
		{c[5].PIN, "Eve", data.ErrAlreadyRedeemed},
		{b[0].PIN, "Eve", data.ErrBlocked},
		{a[10].PIN, "Eve", data.ErrExpired},
		{"1234567890", "Eve", data.ErrNotFound},
		{a[11].PIN[:11] + string('0'+(a[11].PIN[11]-'0'+1)%10), "Eve", data.ErrTypo},
		{c[6].PIN, "   ", data.ErrInvalid},
		{"12ab", "Eve", data.ErrInvalid},
	}
	for _, ch := range checks {
		if _, err := e.s.Redeem(e.ctx, ch.pin, ch.client); !errors.Is(err, ch.want) {
			e.t.Errorf("redeem %q for %q: %v, want %v", ch.pin, ch.client, err, ch.want)
		}
	}
	if n := e.count(data.Filter{Status: data.StatusActivated}); n != 4 {
		e.t.Errorf("%d activated cards, want 4", n)
	}
	hs, err := e.s.History(e.ctx, 20)
	if err != nil {
		e.t.Fatal(err)
	}
	var redeemed, refused int
	for _, h := range hs {
		switch h.Action {
		case "redeem":
			redeemed++
		case "redeem refused":
			refused++
		}
		if strings.Contains(h.Detail+h.Filter, c[5].PIN) {
			e.t.Errorf("history entry holds a whole PIN: %+v", h)
		}
	}
	if redeemed != 4 || refused < 4 {
		e.t.Errorf("history: %d redemptions and %d refusals, want 4 and at least 4", redeemed, refused)
	}
}

func testRedeemRace(e *env) {
	b := e.gen(data.GenerateParams{Amount: 100, Quantity: 3, Series: "5"})
	cards := e.batchCards(b)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := map[string]int{}
	for i := range 12 {
		for _, c := range cards {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.s.Redeem(e.ctx, c.PIN, fmt.Sprintf("desk %d", i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins[c.PIN]++
				case !errors.Is(err, data.ErrAlreadyRedeemed):
					e.t.Errorf("redeem: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	for _, c := range cards {
		if wins[c.PIN] != 1 {
			e.t.Errorf("card %s redeemed %d times, want once", c.Serial, wins[c.PIN])
		}
	}
}

func testMassEditAndUndo(e *env) {
	fx := e.fixture()
	before := e.all()
	f := data.Filter{Batch: fx.c.ID, Printed: data.PrintedNo}
	res, err := e.s.MassEdit(e.ctx, f, data.Edit{Block: data.BlockSet, Reseller: "ann's shop", Expiry: data.ExpiryClear})
	if err != nil || res.Cards != 6 || res.Op == 0 {
		e.t.Fatalf("mass edit: %+v, %v", res, err)
	}
	if n := e.count(data.Filter{Status: data.StatusBlocked}); n != 8 {
		e.t.Errorf("%d blocked, want 8", n)
	}
	if n := e.count(data.Filter{Reseller: "Ann's Shop"}); n != 26 {
		e.t.Errorf("Ann's Shop owns %d, want 26", n)
	}
	h, err := e.s.HistoryEntry(e.ctx, res.Op)
	if err != nil || h.Action != "edit" || !h.Undoable || h.Cards != 6 {
		e.t.Errorf("history entry %+v, %v", h, err)
	}
	if r, err := e.s.MassEdit(e.ctx, data.Filter{PIN: "0000000000"}, data.Edit{Block: data.BlockSet}); err != nil || r != (data.Result{}) {
		e.t.Errorf("an edit of no card: %+v, %v; want nothing done", r, err)
	}
	if _, err := e.s.MassEdit(e.ctx, f, data.Edit{}); !errors.Is(err, data.ErrInvalid) {
		e.t.Errorf("an edit that changes nothing: %v, want ErrInvalid", err)
	}
	u, err := e.s.Undo(e.ctx, res.Op)
	if err != nil || u.Reverted != 6 || u.Undid != res.Op {
		e.t.Fatalf("undo: %+v, %v", u, err)
	}
	if after := e.all(); !slices.Equal(after, before) {
		e.t.Errorf("after the undo the cards differ from before the edit")
	}
	if _, err := e.s.Undo(e.ctx, res.Op); !errors.Is(err, data.ErrNotUndoable) {
		e.t.Errorf("second undo: %v, want ErrNotUndoable", err)
	}
	if _, err := e.s.Undo(e.ctx, u.Op); !errors.Is(err, data.ErrNotUndoable) {
		e.t.Errorf("undo of an undo: %v, want ErrNotUndoable", err)
	}
	if _, err := e.s.Undo(e.ctx, 999999); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("undo of no entry: %v, want ErrNotFound", err)
	}
}

func testDeleteAndUndo(e *env) {
	fx := e.fixture()
	before := e.all()
	if _, err := e.s.Delete(e.ctx, data.Filter{}); !errors.Is(err, data.ErrEmptyFilter) {
		e.t.Errorf("delete with no search: %v, want ErrEmptyFilter", err)
	}
	res, err := e.s.Delete(e.ctx, data.Filter{Batch: fx.a.ID})
	if err != nil || res.Cards != 20 {
		e.t.Fatalf("delete: %+v, %v", res, err)
	}
	if n := e.count(data.Filter{}); n != 25 {
		e.t.Errorf("%d cards left, want 25", n)
	}
	if got, _ := e.s.CardsByID(e.ctx, []int64{before[0].ID, before[25].ID}); len(got) != 1 {
		e.t.Errorf("CardsByID of a deleted and a kept card: %d cards, want 1", len(got))
	}
	// A deleted card's PIN cannot be redeemed.
	if _, err := e.s.Redeem(e.ctx, before[5].PIN, "Eve"); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("redeem a deleted card: %v, want ErrNotFound", err)
	}
	u, err := e.s.Undo(e.ctx, res.Op)
	if err != nil || u.Restored != 20 {
		e.t.Fatalf("undo delete: %+v, %v", u, err)
	}
	if after := e.all(); !slices.Equal(after, before) {
		e.t.Errorf("after the undo the cards differ from before the delete")
	}
	all, err := e.s.DeleteAll(e.ctx)
	if err != nil || all.Cards != 45 || e.count(data.Filter{}) != 0 {
		e.t.Fatalf("delete all: %+v, %v", all, err)
	}
	// Serials continue after a delete all: the batches stay.
	b := e.gen(data.GenerateParams{Amount: 100, Quantity: 1, Series: "3"})
	if b.FirstNumber != 36 {
		e.t.Errorf("after delete all, series 3 continues at %d, want 36", b.FirstNumber)
	}
	if _, err := e.s.Undo(e.ctx, all.Op); err != nil {
		e.t.Fatal(err)
	}
	if n := e.count(data.Filter{Status: data.StatusActivated}); n != 3 {
		e.t.Errorf("after undoing delete all, %d redeemed cards, want 3 (a redeemed card stays redeemed)", n)
	}
}

func testUndoConflict(e *env) {
	fx := e.fixture()
	first, err := e.s.MassEdit(e.ctx, data.Filter{Batch: fx.c.ID}, data.Edit{Block: data.BlockSet})
	if err != nil {
		e.t.Fatal(err)
	}
	second, err := e.s.MassEdit(e.ctx, data.Filter{Batch: fx.c.ID, SerialTo: &data.Serial{Series: "7", Number: 2}},
		data.Edit{Expiry: data.ExpirySet, ExpireAt: T0.Add(1000 * time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.s.Undo(e.ctx, first.Op)
	if !errors.Is(err, data.ErrConflict) || !strings.Contains(err.Error(), fmt.Sprintf("#%d", second.Op)) {
		e.t.Errorf("undo under a later change: %v, want ErrConflict naming #%d", err, second.Op)
	}
	// The refusal names each card by its whole serial, and why.
	if err == nil || !regexp.MustCompile(fmt.Sprintf(`: 7-0{8}[12] \(changed since by #%d\), 7-0{8}[12] \(changed since by #%d\);`, second.Op, second.Op)).MatchString(err.Error()) {
		e.t.Errorf("the refusal does not name the two cards by serial: %v", err)
	}
	if n := e.count(data.Filter{Status: data.StatusBlocked}); n != 12 {
		e.t.Errorf("a refused undo changed cards: %d blocked, want 12", n)
	}
	if _, err := e.s.Undo(e.ctx, second.Op); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.Undo(e.ctx, first.Op); err != nil {
		e.t.Errorf("undo newest first: %v", err)
	}
}

func testPrintRuns(e *env) {
	fx := e.fixture()
	c := e.batchCards(fx.c)
	f := data.Filter{IDs: []int64{c[2].ID, c[3].ID, c[4].ID}}
	run, err := e.s.RecordPrintRun(e.ctx, f, data.PrintRun{Format: "XLSX", Layout: "a4", Path: "/tmp/x.xlsx", Filter: "three cards"})
	if err != nil || run.Cards != 3 || run.Reprints != 2 || run.Format != data.PrintXLSX || !run.At.Equal(e.s.Now()) {
		e.t.Fatalf("print run: %+v, %v", run, err)
	}
	if _, err := e.s.RecordPrintRun(e.ctx, f, data.PrintRun{Format: "doc", Path: "/tmp/x"}); !errors.Is(err, data.ErrInvalid) {
		e.t.Errorf("a doc print run: %v, want ErrInvalid", err)
	}
	runs, err := e.s.PrintRuns(e.ctx, 10)
	if err != nil || len(runs) != 2 || runs[0].ID != run.ID || runs[0].Filter != "three cards" {
		e.t.Errorf("PrintRuns = %+v, %v", runs, err)
	}
	ids, err := e.s.PrintRunCards(e.ctx, run.ID)
	if err != nil || !slices.Equal(ids, []int64{c[2].ID, c[3].ID, c[4].ID}) {
		e.t.Errorf("PrintRunCards = %v, %v", ids, err)
	}
	if _, err := e.s.PrintRunCards(e.ctx, 999); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("cards of no print run: %v, want ErrNotFound", err)
	}
	got, _ := e.s.CardsByID(e.ctx, []int64{c[2].ID, c[4].ID})
	if len(got) != 2 || got[0].Printed != 2 || got[1].Printed != 1 {
		e.t.Errorf("times printed: %+v", got)
	}
	if n := e.count(data.Filter{Printed: data.PrintedYes}); n != 5 {
		e.t.Errorf("%d printed cards, want 5", n)
	}
}

func testResellers(e *env) {
	e.fixture()
	if _, err := e.s.AddReseller(e.ctx, "BOB LTD"); !errors.Is(err, data.ErrDuplicate) {
		e.t.Errorf("add a name that differs in case only: %v, want ErrDuplicate", err)
	}
	if _, err := e.s.AddReseller(e.ctx, "  "); !errors.Is(err, data.ErrInvalid) {
		e.t.Errorf("add an empty name: %v, want ErrInvalid", err)
	}
	if err := e.s.RenameReseller(e.ctx, "bob ltd", "Robert & Co"); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.RenameReseller(e.ctx, "robert & co", "ann's shop"); !errors.Is(err, data.ErrDuplicate) {
		e.t.Errorf("rename onto another's name: %v, want ErrDuplicate", err)
	}
	if n := e.count(data.Filter{Reseller: "robert & co"}); n != 10 {
		e.t.Errorf("the renamed reseller owns %d cards, want 10", n)
	}
	if err := e.s.RemoveReseller(e.ctx, "Robert & Co"); !errors.Is(err, data.ErrResellerInUse) {
		e.t.Errorf("remove a reseller with cards: %v, want ErrResellerInUse", err)
	}
	if _, err := e.s.AddReseller(e.ctx, "Zed"); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.RemoveReseller(e.ctx, "zed"); err != nil {
		e.t.Errorf("remove an unused reseller: %v", err)
	}
	rs, err := e.s.Resellers(e.ctx)
	if err != nil || len(rs) != 2 || rs[0].Name != "Ann's Shop" || rs[0].Cards != 20 || rs[1].Name != "Robert & Co" {
		e.t.Errorf("Resellers = %+v, %v", rs, err)
	}
	if err := e.s.RemoveReseller(e.ctx, "nobody"); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("remove no reseller: %v, want ErrNotFound", err)
	}
}

func testHistoryAndSettings(e *env) {
	e.fixture()
	if err := e.s.LogExport(e.ctx, data.Filter{Status: data.StatusNew}, 23, "/tmp/new.csv"); err != nil {
		e.t.Fatal(err)
	}
	hs, err := e.s.History(e.ctx, 3)
	if err != nil || len(hs) != 3 || hs[0].Action != "export" || hs[0].Cards != 23 || hs[0].Filter != "status new" {
		e.t.Fatalf("History = %+v, %v", hs, err)
	}
	all, err := e.s.History(e.ctx, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var actions []string
	for _, h := range slices.Backward(all) {
		actions = append(actions, h.Action)
		if h.By == "" {
			e.t.Errorf("history entry #%d (%s) does not say who made it", h.ID, h.Action)
		}
	}
	want := []string{"reseller", "reseller", "generate", "generate", "generate", "redeem", "redeem", "redeem", "edit", "print run", "export"}
	if !slices.Equal(actions, want) {
		e.t.Errorf("history actions %v, want %v", actions, want)
	}
	if d, err := e.s.JournalDays(e.ctx); err != nil || d != data.DefaultJournalDays {
		e.t.Errorf("JournalDays = %d, %v", d, err)
	}
	if err := e.s.SetJournalDays(e.ctx, 0); !errors.Is(err, data.ErrInvalid) {
		e.t.Errorf("keep undo 0 days: %v, want ErrInvalid", err)
	}
	if err := e.s.SetJournalDays(e.ctx, 1); err != nil {
		e.t.Fatal(err)
	}
	if d, _ := e.s.JournalDays(e.ctx); d != 1 {
		e.t.Errorf("JournalDays = %d, want 1", d)
	}
	// Two days on, the edit's journal is pruned by the next change.
	edit := all[len(all)-9]
	e.clk.set(e.s.Now().Add(48 * time.Hour))
	if _, err := e.s.MassEdit(e.ctx, data.Filter{Status: data.StatusBlocked}, data.Edit{Block: data.BlockClear}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.Undo(e.ctx, edit.ID); !errors.Is(err, data.ErrNotUndoable) {
		e.t.Errorf("undo of an entry past the journal's days: %v, want ErrNotUndoable", err)
	}
}

func testRead(e *env) {
	fx := e.fixture()
	c := e.batchCards(fx.c)
	err := e.s.Read(e.ctx, func(r data.Reader) error {
		before, err := r.Count(e.ctx, data.Filter{Status: data.StatusActivated})
		if err != nil {
			return err
		}
		if _, err := e.s.Redeem(e.ctx, c[9].PIN, "Walk-in"); err != nil {
			return err
		}
		after, err := r.Count(e.ctx, data.Filter{Status: data.StatusActivated})
		if err != nil {
			return err
		}
		if before != 3 || after != 3 {
			e.t.Errorf("through one Reader: %d then %d activated, want 3 both times (the redemption meanwhile is not seen)", before, after)
		}
		var n int
		if err := r.Each(e.ctx, data.Filter{Batch: fx.c.ID}, data.Sort{}, func(data.Card) error { n++; return nil }); err != nil || n != 10 {
			e.t.Errorf("Each: %d cards, %v", n, err)
		}
		ts, err := r.StatusTotals(e.ctx, data.Filter{})
		if err != nil || len(ts) == 0 || ts[0].Status != data.StatusNew {
			e.t.Errorf("StatusTotals = %+v, %v", ts, err)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if n := e.count(data.Filter{Status: data.StatusActivated}); n != 4 {
		e.t.Errorf("after the Reader: %d activated, want 4", n)
	}
}

// testAmountsAcrossCurrencies: each card is stored in its currency's minor
// units (500 JPY, 0.500 KWD) and one search bound means the same face
// value in every currency, in a file of one number of decimals and in one
// that mixes them.
func testAmountsAcrossCurrencies(e *env) {
	bound := func(s string) *int64 {
		v, err := data.ParseAmountBound(s)
		if err != nil {
			e.t.Fatal(err)
		}
		return &v
	}
	check := func(what string, want map[string]int64) {
		e.t.Helper()
		for r, n := range want {
			from, to, _ := strings.Cut(r, "..")
			f := data.Filter{}
			if from != "" {
				f.AmountFrom = bound(from)
			}
			if to != "" {
				f.AmountTo = bound(to)
			}
			if got := e.count(f); got != n {
				e.t.Errorf("%s: amount %s: %d cards, want %d", what, r, got, n)
			}
			var own int64
			for _, c := range e.all() {
				if match(f, c, e.clk.now()) {
					own++
				}
			}
			if own != n {
				e.t.Errorf("%s: the test's own reading of amount %s finds %d cards, want %d", what, r, own, n)
			}
		}
	}
	e.gen(data.GenerateParams{Amount: 800, Currency: "USD", Quantity: 3, Series: "U"})
	check("USD only", map[string]int64{"5..9": 3, "8..8": 3, "8.01..": 0, "..7.99": 0, "0.08..0.08": 0})
	e.gen(data.GenerateParams{Amount: 8, Currency: "JPY", Quantity: 2, Series: "J"})
	e.gen(data.GenerateParams{Amount: 800, Currency: "JPY", Quantity: 1, Series: "JJ"})
	e.gen(data.GenerateParams{Amount: 500, Currency: "KWD", Quantity: 4, Series: "K"})
	e.gen(data.GenerateParams{Amount: 5000, Currency: "XOF", Quantity: 1, Series: "X"})
	check("mixed", map[string]int64{"5..9": 5, "8..8": 5, "0.5..0.5": 4, "0.4..0.6": 4, "500..5000": 1 + 1,
		"800..": 2, "..1": 4, "": 11})
	cards := e.all()
	for _, c := range cards {
		want := map[string]data.Money{"U": {Minor: 800, Currency: "USD"}, "J": {Minor: 8, Currency: "JPY"}, "JJ": {Minor: 800, Currency: "JPY"}, "K": {Minor: 500, Currency: "KWD"}, "X": {Minor: 5000, Currency: "XOF"}}[c.Serial.Series]
		if c.Amount != want {
			e.t.Errorf("card %s: %v, want %v", c.Serial, c.Amount, want)
		}
	}
	if b := e.gen(data.GenerateParams{Amount: 1_000_000_000, Currency: "KWD", Quantity: 1, Series: "KMAX"}); b.Amount.String() != "1000000.000 KWD" {
		e.t.Errorf("the largest KWD card: %v", b.Amount)
	}
	if _, err := e.s.Generate(e.ctx, data.GenerateParams{Amount: 1_000_001, Currency: "JPY", Quantity: 1, Series: "JMAX"}, nil); !errors.Is(err, data.ErrInvalid) {
		e.t.Errorf("1,000,001 JPY: %v, want ErrInvalid", err)
	}
}
