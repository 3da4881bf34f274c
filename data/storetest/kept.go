package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"topupcards/data"
)

// testKeptCounts checks the searches that the stores answer from their kept
// counts per group (data.Filter.Grouped: batch, reseller, face value,
// expiry, status, printed) after every kind of change a card can go
// through: count, totals per currency and every page in serial order, both
// ways, against the test's own reading over every card.
func testKeptCounts(e *env) {
	fx := e.fixture()
	i64 := func(v int64) *int64 { return &v }
	grouped := func() []data.Filter {
		fs := []data.Filter{
			{}, {Status: data.StatusNew}, {Status: data.StatusActivated}, {Status: data.StatusExpired}, {Status: data.StatusBlocked},
			{Reseller: "ann's shop"}, {Reseller: "BOB LTD"}, {Reseller: "nobody"},
			{AmountFrom: i64(60000), AmountTo: i64(100000)}, {AmountTo: i64(50000)}, {AmountFrom: i64(2000000)},
			{ExpiryFrom: T0.Add(24 * time.Hour)}, {ExpiryTo: T0.Add(100 * time.Hour)},
			{ExpiryFrom: T0.Add(200 * 24 * time.Hour), ExpiryTo: T0.Add(400 * 24 * time.Hour)},
			{Batch: fx.a.ID}, {Batch: fx.b.ID, Status: data.StatusBlocked}, {Printed: data.PrintedYes}, {Printed: data.PrintedNo},
			{Status: data.StatusNew, Reseller: "ann's shop", AmountFrom: i64(10000)},
			{Status: data.StatusNew, Printed: data.PrintedNo, ExpiryFrom: T0},
			{Status: data.StatusExpired, AmountTo: i64(80000)},
		}
		for _, f := range fs {
			if !f.Grouped() {
				e.t.Fatalf("%s is not a grouped search", f.Describe())
			}
		}
		return fs
	}
	check := func(step string) {
		e.t.Helper()
		cards := e.all()
		now := e.s.Now()
		slices.SortFunc(cards, func(a, b data.Card) int {
			return cmp.Or(cmp.Compare(a.Serial.Series, b.Serial.Series), cmp.Compare(a.Serial.Number, b.Serial.Number))
		})
		for _, f := range grouped() {
			what := step + ": " + f.Describe()
			var want []int64
			totals := map[string]data.CurrencyTotal{}
			for _, c := range cards {
				if !match(f, c, now) {
					continue
				}
				want = append(want, c.ID)
				t := totals[c.Amount.Currency]
				t.Currency, t.Cards, t.Face = c.Amount.Currency, t.Cards+1, t.Face+c.Amount.Minor
				if c.ActivatedAt.IsZero() {
					t.Unredeemed += c.Amount.Minor
				}
				totals[c.Amount.Currency] = t
			}
			if n := e.count(f); n != int64(len(want)) {
				e.t.Errorf("%s: Count = %d, want %d", what, n, len(want))
			}
			sum, err := e.s.Summarize(e.ctx, f)
			if err != nil {
				e.t.Fatalf("%s: Summarize: %v", what, err)
			}
			var wantTotals []data.CurrencyTotal
			for _, t := range totals {
				wantTotals = append(wantTotals, t)
			}
			slices.SortFunc(wantTotals, func(a, b data.CurrencyTotal) int { return cmp.Compare(a.Currency, b.Currency) })
			if sum.Cards != int64(len(want)) || !slices.Equal(sum.Totals, wantTotals) {
				e.t.Errorf("%s: Summarize = %+v, want %d cards %+v", what, sum, len(want), wantTotals)
			}
			for _, desc := range []bool{false, true} {
				w := slices.Clone(want)
				if desc {
					slices.Reverse(w)
				}
				for _, size := range []int{1, 3, 100} {
					got := e.pages(f, data.Sort{Desc: desc}, size)
					if !slices.Equal(got, w) {
						e.t.Errorf("%s desc=%v: pages of %d give %v, want %v", what, desc, size, got, w)
					}
				}
			}
		}
	}
	check("fixture")

	a, b, c := e.batchCards(fx.a), e.batchCards(fx.b), e.batchCards(fx.c)
	// A later batch in series 3 (after a and b), a fourth in a series of
	// its own between them in serial order.
	e.gen(data.GenerateParams{Amount: 800, Quantity: 6, Series: "3", Reseller: "Bob Ltd"})
	e.gen(data.GenerateParams{Amount: 800, Quantity: 4, Series: "5", ExpiresAt: T0.Add(300 * 24 * time.Hour)})
	check("two more batches")

	edit, err := e.s.MassEdit(e.ctx, data.Filter{IDs: []int64{a[5].ID, b[3].ID, c[7].ID}},
		data.Edit{Reseller: "Bob Ltd", Expiry: data.ExpirySet, ExpireAt: T0.Add(250 * 24 * time.Hour), Block: data.BlockSet})
	if err != nil {
		e.t.Fatal(err)
	}
	check("mass edit")
	if _, err := e.s.Redeem(e.ctx, c[8].PIN, "Zoe"); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.RecordPrintRun(e.ctx, data.Filter{Batch: fx.b.ID}, data.PrintRun{Format: data.PrintPDF, Path: "/tmp/b.pdf"}); err != nil {
		e.t.Fatal(err)
	}
	check("redeem and print")
	del, err := e.s.Delete(e.ctx, data.Filter{Batch: fx.b.ID, Status: data.StatusNew})
	if err != nil {
		e.t.Fatal(err)
	}
	check("delete")
	if _, err := e.s.Undo(e.ctx, edit.Op); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.Undo(e.ctx, del.Op); err != nil {
		e.t.Fatal(err)
	}
	check("undo")
	e.clk.set(T0.Add(400 * 24 * time.Hour)) // batch c and the series-5 batch expire
	check("a year later")
	all, err := e.s.DeleteAll(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	check("delete all")
	if _, err := e.s.Undo(e.ctx, all.Op); err != nil {
		e.t.Fatal(err)
	}
	check("undo delete all")

	// A batch where a search's cards are few: its page is found through
	// another index than the serial's (data.SerialSpan.Dense).
	big := e.gen(data.GenerateParams{Amount: 100, Quantity: 3000, Series: "4"})
	ids, err := e.s.IDs(e.ctx, data.Filter{Batch: big.ID}, data.Sort{})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.MassEdit(e.ctx, data.Filter{IDs: []int64{ids[2999], ids[1500], ids[7]}}, data.Edit{Block: data.BlockSet}); err != nil {
		e.t.Fatal(err)
	}
	now := e.s.Now()
	for _, f := range []data.Filter{{Status: data.StatusBlocked}, {Batch: big.ID, Status: data.StatusBlocked}, {Batch: big.ID}} {
		var want []int64
		for _, c := range e.all() { // in serial order: one series per batch here
			if match(f, c, now) {
				want = append(want, c.ID)
			}
		}
		slices.SortFunc(want, func(x, y int64) int { return cmp.Compare(x, y) })
		cards, err := e.s.CardsByID(e.ctx, want)
		if err != nil {
			e.t.Fatal(err)
		}
		slices.SortFunc(cards, func(a, b data.Card) int {
			return cmp.Or(cmp.Compare(a.Serial.Series, b.Serial.Series), cmp.Compare(a.Serial.Number, b.Serial.Number))
		})
		want = want[:0]
		for _, c := range cards {
			want = append(want, c.ID)
		}
		if n := e.count(f); n != int64(len(want)) {
			e.t.Errorf("big batch: Count(%s) = %d, want %d", f.Describe(), n, len(want))
		}
		sizes := []int{2, 100, 1000}
		if len(want) < 10 {
			// Pages of one: a walk whose first chunk of the batch holds
			// none of the few cards reads on (data.SerialSpan.WalkChunk).
			sizes = append(sizes, 1)
		}
		for _, size := range sizes {
			if got := e.pages(f, data.Sort{}, size); !slices.Equal(got, want) {
				e.t.Errorf("big batch: %s: pages of %d give %d cards, want %d", f.Describe(), size, len(got), len(want))
			}
		}
	}
}

// pages reads every card f matches in the order o, size cards a page.
func (e *env) pages(f data.Filter, o data.Sort, size int) []int64 {
	e.t.Helper()
	var ids []int64
	var cur data.Cursor
	for range 100_000 {
		page, next, err := e.s.Page(e.ctx, f, o, cur, size)
		if err != nil {
			e.t.Fatalf("%s: page: %v", f.Describe(), err)
		}
		for _, c := range page {
			ids = append(ids, c.ID)
		}
		if len(page) < size {
			return ids
		}
		cur = next
	}
	panic(fmt.Sprintf("%s: more than 100,000 pages", f.Describe()))
}
