package sqlite_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// checkFilter compares the store's count, ids (in the given order) and
// totals for f with the brute-force evaluation over all, and returns the
// number of matched cards.
func checkFilter(t *testing.T, s *sqlite.Store, all []data.Card, f data.Filter, o data.Sort, now time.Time) int {
	t.Helper()
	ctx := context.Background()
	want := cardsWhere(all, func(c data.Card) bool { return matches(c, f, now) })
	n, err := s.Count(ctx, f)
	if err != nil {
		t.Fatalf("count %s: %v", f.Describe(), err)
	}
	if n != int64(len(want)) {
		t.Errorf("count %s: %d, want %d", f.Describe(), n, len(want))
	}
	ids, err := s.IDs(ctx, f, o)
	if err != nil {
		t.Fatalf("ids %s: %v", f.Describe(), err)
	}
	if wantIDs := sortedIDs(want, o, now); !slices.Equal(ids, wantIDs) {
		t.Errorf("ids %s sorted by %+v:\n got %v\nwant %v", f.Describe(), o, ids, wantIDs)
	}
	sum, err := s.Summarize(ctx, f)
	if err != nil {
		t.Fatalf("summarize %s: %v", f.Describe(), err)
	}
	if wantSum := summarize(want); !reflect.DeepEqual(sum, wantSum) {
		t.Errorf("summarize %s:\n got %+v\nwant %+v", f.Describe(), sum, wantSum)
	}
	return len(want)
}

// summarize totals cards per currency in Go.
func summarize(cards []data.Card) data.Summary {
	by := map[string]*data.CurrencyTotal{}
	var sum data.Summary
	for _, c := range cards {
		t := by[c.Amount.Currency]
		if t == nil {
			t = &data.CurrencyTotal{Currency: c.Amount.Currency}
			by[c.Amount.Currency] = t
		}
		t.Cards++
		t.Face += c.Amount.Minor
		if c.ActivatedAt.IsZero() {
			t.Unredeemed += c.Amount.Minor
		}
		sum.Cards++
	}
	for _, t := range by {
		sum.Totals = append(sum.Totals, *t)
	}
	sort.Slice(sum.Totals, func(i, j int) bool { return sum.Totals[i].Currency < sum.Totals[j].Currency })
	return sum
}

func TestFixtureHasEveryKindOfCard(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	all := allCards(t, fx.s)
	seen := map[data.Status]int{}
	for _, c := range all {
		seen[statusOf(c, fixtureNow)]++
	}
	for _, st := range data.Statuses {
		if seen[st] == 0 {
			t.Errorf("fixture has no %s card: %v", st, seen)
		}
	}
	activatedAndBlocked := cardsWhere(all, func(c data.Card) bool { return c.Blocked && !c.ActivatedAt.IsZero() })
	if len(activatedAndBlocked) == 0 {
		t.Error("fixture has no card that is both activated and blocked")
	}
	// The lower-case series "b" continued series B.
	b7 := fx.batches["b7"]
	if b7.Series != "B" || b7.FirstNumber != 13 {
		t.Errorf("batch b7 starts at %s, want B-000000013", b7.FirstSerial())
	}
}

func TestFilterEachField(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	s, all := fx.s, allCards(t, fx.s)
	ctx := context.Background()
	byID := map[int64]data.Card{}
	for _, c := range all {
		byID[c.ID] = c
	}
	// want names the cards a filter must match, derived from how the
	// fixture was built rather than from the store's answer.
	type tc struct {
		name string
		f    data.Filter
		want func(c data.Card) bool
	}
	day := 24 * time.Hour
	pinA5 := cardBySerial(t, all, "A", 5).PIN
	typed := pinA5[:4] + " " + pinA5[4:8] + "-" + pinA5[8:]
	normalized, err := data.NormalizePIN(typed)
	if err != nil {
		t.Fatalf("normalize %q: %v", typed, err)
	}
	cases := []tc{
		{"serial range in one series", data.Filter{SerialFrom: serialPtr("A", 3), SerialTo: serialPtr("A", 10)},
			func(c data.Card) bool { return c.Serial.Series == "A" && c.Serial.Number >= 3 && c.Serial.Number <= 10 }},
		{"serial from only", data.Filter{SerialFrom: serialPtr("B", 14)},
			func(c data.Card) bool {
				return c.Serial.Series == "B" && c.Serial.Number >= 14 || c.Serial.Series == "ZZ"
			}},
		{"serial to only", data.Filter{SerialTo: serialPtr("10", 4)},
			func(c data.Card) bool { return c.Serial.Series == "10" && c.Serial.Number <= 4 }},
		{"series-only bounds", data.Filter{SerialFrom: mustSerial(t, "a", false), SerialTo: mustSerial(t, "A", true)},
			func(c data.Card) bool { return c.Serial.Series == "A" }},
		{"across series, compared as text", data.Filter{SerialFrom: serialPtr("10", 5), SerialTo: serialPtr("9", 3)},
			func(c data.Card) bool {
				return c.Serial.Series == "10" && c.Serial.Number >= 5 || c.Serial.Series == "9" && c.Serial.Number <= 3
			}},
		{"from a serial to the end of a later series", data.Filter{SerialFrom: serialPtr("9", 5), SerialTo: mustSerial(t, "B", true)},
			func(c data.Card) bool {
				return c.Serial.Series == "9" && c.Serial.Number >= 5 || c.Serial.Series == "A" || c.Serial.Series == "B"
			}},
		{"series with no cards", data.Filter{SerialFrom: mustSerial(t, "C", false), SerialTo: mustSerial(t, "C", true)},
			func(c data.Card) bool { return false }},
		{"PIN typed with spaces and dashes", data.Filter{PIN: normalized},
			func(c data.Card) bool { return c.Serial == data.Serial{Series: "A", Number: 5} }},
		{"status new", data.Filter{Status: data.StatusNew}, func(c data.Card) bool {
			// b1 and b6 never expire, b3 expires after now, A-5..7 were moved
			// past now and B-4 lost its expiry; minus activated or blocked.
			if !c.ActivatedAt.IsZero() || c.Blocked {
				return false
			}
			b := c.BatchID
			return b == fx.batches["b1"].ID || b == fx.batches["b6"].ID || b == fx.batches["b3"].ID ||
				c.Serial.Series == "A" && c.Serial.Number >= 5 && c.Serial.Number <= 7 ||
				c.Serial == data.Serial{Series: "B", Number: 4}
		}},
		{"status activated", data.Filter{Status: data.StatusActivated},
			func(c data.Card) bool { return slices.Contains(fx.clients, c.ActivatedBy) }},
		{"status blocked", data.Filter{Status: data.StatusBlocked}, func(c data.Card) bool {
			return slices.Contains([]string{"10-000000002", "10-000000003", "B-000000003", "9-000000002", "A-000000004", "B-000000013"},
				c.Serial.String())
		}},
		{"status expired", data.Filter{Status: data.StatusExpired}, func(c data.Card) bool {
			if !c.ActivatedAt.IsZero() || c.Blocked {
				return false
			}
			b := c.BatchID
			return (b == fx.batches["b2"].ID || b == fx.batches["b4"].ID || b == fx.batches["b5"].ID || b == fx.batches["b7"].ID) &&
				c.Serial != data.Serial{Series: "B", Number: 4}
		}},
		{"reseller, other case", data.Filter{Reseller: "ACME corp"},
			func(c data.Card) bool { return c.BatchID == fx.batches["b1"].ID }},
		{"reseller with surrounding spaces", data.Filter{Reseller: "  beta SHOP "},
			func(c data.Card) bool { return c.BatchID == fx.batches["b2"].ID }},
		{"reseller with doubled inner spaces", data.Filter{Reseller: "acme  corp"},
			func(c data.Card) bool { return c.BatchID == fx.batches["b1"].ID }},
		{"reseller non-ASCII", data.Filter{Reseller: "Žofia TRADE"},
			func(c data.Card) bool { return c.BatchID == fx.batches["b4"].ID }},
		{"unknown reseller", data.Filter{Reseller: "Nobody"}, func(c data.Card) bool { return false }},
		{"amount range", data.Filter{AmountFrom: i64(50000), AmountTo: i64(80000)},
			func(c data.Card) bool { return c.Amount.Minor == 500 || c.Amount.Minor == 800 }},
		{"amount from only", data.Filter{AmountFrom: i64(80100)},
			func(c data.Card) bool { return c.Amount.Minor == 1000 || c.Amount.Minor == 100_000_000 }},
		{"amount to only", data.Filter{AmountTo: i64(100)},
			func(c data.Card) bool { return c.BatchID == fx.batches["b4"].ID }},
		{"amount exact", data.Filter{AmountFrom: i64(25000), AmountTo: i64(25000)},
			func(c data.Card) bool { return c.BatchID == fx.batches["b7"].ID }},
		{"expiry range", data.Filter{ExpiryFrom: t0.Add(5 * day), ExpiryTo: t0.Add(10 * day)},
			func(c data.Card) bool {
				b := c.BatchID
				return b == fx.batches["b4"].ID || b == fx.batches["b5"].ID ||
					b == fx.batches["b2"].ID && c.Serial.Number != 4
			}},
		{"expiry from only", data.Filter{ExpiryFrom: t0.Add(10*day + time.Second)},
			func(c data.Card) bool {
				return c.BatchID == fx.batches["b3"].ID || c.Serial.Series == "A" && c.Serial.Number >= 5 && c.Serial.Number <= 7
			}},
		{"expiry to only", data.Filter{ExpiryTo: t0.Add(5*day - time.Second)},
			func(c data.Card) bool { return c.BatchID == fx.batches["b7"].ID }},
		{"client ASCII, other case", data.Filter{Client: "ROSE"},
			func(c data.Card) bool {
				return slices.Contains([]string{"Rose Orig", "ROSE O'Neil", "rose orig"}, c.ActivatedBy)
			}},
		{"client non-ASCII Žofia", data.Filter{Client: "Žofia"},
			func(c data.Card) bool { return c.ActivatedBy == "Žofia Nováková" || c.ActivatedBy == "žofia" }},
		{"client non-ASCII ОЛЬГА", data.Filter{Client: "ОЛЬГА"},
			func(c data.Card) bool {
				return c.ActivatedBy == "ОЛЬГА Петрова" || c.ActivatedBy == "Ольга"
			}},
		{"client lower-case Cyrillic", data.Filter{Client: "петров"},
			func(c data.Card) bool { return c.ActivatedBy == "ОЛЬГА Петрова" }},
		{"client Latin olga does not match Cyrillic", data.Filter{Client: "olga"},
			func(c data.Card) bool { return c.ActivatedBy == "olga smith" }},
		{"client with apostrophe", data.Filter{Client: "o'neil"},
			func(c data.Card) bool { return c.ActivatedBy == "ROSE O'Neil" }},
		{"client SQL wildcard is literal", data.Filter{Client: "%"}, func(c data.Card) bool { return false }},
		{"activated range", data.Filter{ActivatedFrom: t0.Add(day + time.Hour), ActivatedTo: t0.Add(2 * day)},
			func(c data.Card) bool {
				return slices.Contains([]string{"Žofia Nováková", "ОЛЬГА Петрова", "olga smith", "ROSE O'Neil"}, c.ActivatedBy)
			}},
		{"activated from only", data.Filter{ActivatedFrom: t0.Add(3 * day)},
			func(c data.Card) bool { return slices.Contains([]string{"žofia", "rose orig", "Bob"}, c.ActivatedBy) }},
		{"activated to only", data.Filter{ActivatedTo: t0.Add(day)},
			func(c data.Card) bool { return c.ActivatedBy == "Rose Orig" }},
		{"batch", data.Filter{Batch: fx.batches["b5"].ID},
			func(c data.Card) bool { return c.Serial.Series == "A" && c.Serial.Number >= 16 }},
		{"unknown batch", data.Filter{Batch: 9999}, func(c data.Card) bool { return false }},
		{"ids", data.Filter{IDs: []int64{all[3].ID, all[40].ID, all[60].ID, 123456}},
			func(c data.Card) bool { return c.ID == all[3].ID || c.ID == all[40].ID || c.ID == all[60].ID }},
		{"empty id list matches nothing", data.Filter{IDs: []int64{}}, func(c data.Card) bool { return false }},
		{"combination: status, reseller, amount", data.Filter{Status: data.StatusNew, Reseller: "acme corp", AmountTo: i64(50000)},
			func(c data.Card) bool { return c.BatchID == fx.batches["b1"].ID && c.Serial.Number >= 5 }},
		{"combination: client, activation range, serial", data.Filter{Client: "o", ActivatedFrom: t0.Add(2 * day),
			SerialFrom: mustSerial(t, "A", false)},
			func(c data.Card) bool {
				return slices.Contains([]string{"ROSE O'Neil", "olga smith", "rose orig", "Bob"}, c.ActivatedBy)
			}},
		{"combination: expired in a batch, by serial", data.Filter{Status: data.StatusExpired, Batch: fx.batches["b2"].ID,
			SerialTo: serialPtr("B", 8)},
			func(c data.Card) bool { return c.Serial.Series == "B" && c.Serial.Number >= 5 && c.Serial.Number <= 8 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := idsOf(cardsWhere(all, c.want))
			got, err := s.IDs(ctx, c.f, data.Sort{})
			if err != nil {
				t.Fatalf("ids: %v", err)
			}
			sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
			if !slices.Equal(got, want) {
				var gs, ws []string
				for _, id := range got {
					gs = append(gs, byID[id].Serial.String())
				}
				for _, id := range want {
					ws = append(ws, byID[id].Serial.String())
				}
				t.Errorf("%s matched\n %v\nwant\n %v", c.f.Describe(), gs, ws)
			}
			// The brute-force evaluation must agree as well (count, order,
			// totals).
			checkFilter(t, s, all, c.f, data.Sort{}, fixtureNow)
		})
	}
}

func mustSerial(t *testing.T, s string, upper bool) *data.Serial {
	t.Helper()
	sr, err := data.ParseSerial(s, upper)
	if err != nil {
		t.Fatalf("parse serial %q: %v", s, err)
	}
	return &sr
}

func TestFilterStatusFollowsTheClock(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	ctx := context.Background()
	all := allCards(t, fx.s)
	b3 := fx.batches["b3"]
	for _, now := range []time.Time{t0, fixtureNow, b3.ExpiresAt.Add(-time.Second), b3.ExpiresAt, b3.ExpiresAt.Add(time.Second)} {
		fx.clk.set(now)
		for _, st := range data.Statuses {
			checkFilter(t, fx.s, all, data.Filter{Status: st, Batch: b3.ID}, data.Sort{}, now)
			checkFilter(t, fx.s, all, data.Filter{Status: st}, data.Sort{Column: data.ColStatus}, now)
		}
	}
	// At the second of expiry a card counts as expired.
	fx.clk.set(b3.ExpiresAt)
	n, err := fx.s.Count(ctx, data.Filter{Status: data.StatusNew, Batch: b3.ID})
	if err != nil || n != 0 {
		t.Errorf("new cards of b3 at its expiry: %d, %v; want 0", n, err)
	}
}

func TestFilterInvalidRangesRefused(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	for _, f := range []data.Filter{
		{SerialFrom: serialPtr("B", 1), SerialTo: serialPtr("A", 5)},
		{SerialFrom: serialPtr("A", 6), SerialTo: serialPtr("A", 5)},
		{AmountFrom: i64(500), AmountTo: i64(400)},
		{ExpiryFrom: t0.Add(time.Hour), ExpiryTo: t0},
		{ActivatedFrom: t0.Add(time.Hour), ActivatedTo: t0},
		{Status: "lost"},
		{Batch: -1},
	} {
		_, err := s.Count(ctx, f)
		wantErr(t, err, data.ErrInvalid, "count "+f.Describe())
		_, _, err = s.Page(ctx, f, data.Sort{}, data.Cursor{}, 10)
		wantErr(t, err, data.ErrInvalid, "page "+f.Describe())
		_, err = s.MassEdit(ctx, f, data.Edit{Block: data.BlockSet})
		wantErr(t, err, data.ErrInvalid, "mass edit "+f.Describe())
		_, err = s.Delete(ctx, f)
		wantErr(t, err, data.ErrInvalid, "delete "+f.Describe())
	}
}

// randomFilter draws a filter whose values mostly come from the cards, so
// that most filters match some cards but not all.
func randomFilter(r *rand.Rand, all []data.Card, resellers, clients []string) data.Filter {
	pick := func() data.Card { return all[r.IntN(len(all))] }
	maybe := func() bool { return r.IntN(4) == 0 }
	var f data.Filter
	if maybe() {
		f.SerialFrom, f.SerialTo = randomSerialBounds(r, pick)
	}
	if r.IntN(12) == 0 {
		if r.IntN(3) == 0 {
			f.PIN = "123456789012"
		} else {
			f.PIN = pick().PIN
		}
	}
	if maybe() {
		f.Status = data.Statuses[r.IntN(len(data.Statuses))]
	}
	if maybe() {
		f.Reseller = flipASCIICase(r, resellers[r.IntN(len(resellers))])
	}
	if maybe() {
		a, b := pick().Amount.ToBound()+int64(r.IntN(3)-1)*100, pick().Amount.ToBound()+int64(r.IntN(3)-1)*100
		a, b = min(a, b), max(a, b)
		switch r.IntN(3) {
		case 0:
			f.AmountFrom = &a
		case 1:
			f.AmountTo = &b
		default:
			f.AmountFrom, f.AmountTo = &a, &b
		}
	}
	randomTimes := func(get func(data.Card) time.Time) (from, to time.Time) {
		at := func() time.Time {
			t := get(pick())
			if t.IsZero() {
				t = fixtureNow
			}
			return t.Add(time.Duration(r.IntN(3)-1) * time.Second)
		}
		a, b := at(), at()
		if a.After(b) {
			a, b = b, a
		}
		switch r.IntN(3) {
		case 0:
			return a, time.Time{}
		case 1:
			return time.Time{}, b
		}
		return a, b
	}
	if maybe() {
		f.ExpiryFrom, f.ExpiryTo = randomTimes(func(c data.Card) time.Time { return c.ExpiresAt })
	}
	if maybe() {
		name := []rune(clients[r.IntN(len(clients))])
		i := r.IntN(len(name))
		j := i + 1 + r.IntN(len(name)-i)
		sub := string(name[i:j])
		switch r.IntN(3) {
		case 0:
			sub = strings.ToUpper(sub)
		case 1:
			sub = strings.ToLower(sub)
		}
		if strings.TrimSpace(sub) != "" {
			f.Client = sub
		}
	}
	if maybe() {
		f.ActivatedFrom, f.ActivatedTo = randomTimes(func(c data.Card) time.Time { return c.ActivatedAt })
	}
	if maybe() {
		f.Batch = pick().BatchID
	}
	if r.IntN(8) == 0 {
		f.IDs = []int64{}
		for range r.IntN(20) {
			f.IDs = append(f.IDs, pick().ID)
		}
	}
	if maybe() {
		f.Printed = []data.PrintedFilter{data.PrintedYes, data.PrintedNo}[r.IntN(2)]
	}
	return f
}

func randomSerialBounds(r *rand.Rand, pick func() data.Card) (*data.Serial, *data.Serial) {
	bound := func(upper bool) data.Serial {
		s := pick().Serial
		switch r.IntN(4) {
		case 0: // series only
			if upper {
				s.Number = data.MaxSerialNumber
			} else {
				s.Number = 0
			}
		case 1:
			s.Number += int64(r.IntN(3)) - 1
		}
		return s
	}
	a, b := bound(false), bound(true)
	if serialLess(a, b) > 0 {
		a, b = b, a
	}
	switch r.IntN(3) {
	case 0:
		return &a, nil
	case 1:
		return nil, &b
	}
	return &a, &b
}

// flipASCIICase changes the case of some ASCII letters (SQLite's NOCASE,
// which the reseller name uses, folds only those).
func flipASCIICase(r *rand.Rand, s string) string {
	b := []rune(s)
	for i, c := range b {
		if c < unicode.MaxASCII && unicode.IsLetter(c) && r.IntN(2) == 0 {
			if unicode.IsUpper(c) {
				b[i] = unicode.ToLower(c)
			} else {
				b[i] = unicode.ToUpper(c)
			}
		}
	}
	return string(b)
}

func TestFilterRandomizedAgainstBruteForce(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	printSome(t, fx) // printed 0, 1, 2 and 3 times
	all := allCards(t, fx.s)
	var resellers []string
	for name := range fx.res {
		resellers = append(resellers, name)
	}
	sort.Strings(resellers)
	resellers = append(resellers, "Nobody")
	r := rand.New(rand.NewPCG(20260110, 2))
	var narrowing int
	const filters = 400
	for i := range filters {
		f := randomFilter(r, all, resellers, fx.clients)
		o := data.Sort{Column: data.Columns[r.IntN(len(data.Columns))], Desc: r.IntN(2) == 0}
		n := checkFilter(t, fx.s, all, f, o, fixtureNow)
		if n > 0 && n < len(all) {
			narrowing++
		}
		if t.Failed() {
			t.Fatalf("filter %d (%s) disagrees with the brute-force evaluation", i, f.Describe())
		}
	}
	// The generator must exercise the filters: most of them should select
	// some cards but not all.
	if narrowing < filters/3 {
		t.Errorf("only %d of %d random filters matched some but not all cards", narrowing, filters)
	}
}

func TestSortEveryColumn(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	all := allCards(t, fx.s)
	filters := []data.Filter{{}, {Status: data.StatusNew}, {AmountTo: i64(80000)}, {Client: "o"}}
	for _, col := range append([]data.Column{""}, data.Columns...) {
		for _, desc := range []bool{false, true} {
			o := data.Sort{Column: col, Desc: desc}
			for _, f := range filters {
				checkFilter(t, fx.s, all, f, o, fixtureNow)
			}
		}
	}
}

// TestSortDirectionsAreReverses checks, independently of the Go sort, that
// descending is the exact reverse of ascending (ties by id included) and
// that the order is not the id order for columns whose values differ.
func TestSortDirectionsAreReverses(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	ctx := context.Background()
	for _, col := range data.Columns {
		asc, err := fx.s.IDs(ctx, data.Filter{}, data.Sort{Column: col})
		if err != nil {
			t.Fatal(err)
		}
		desc, err := fx.s.IDs(ctx, data.Filter{}, data.Sort{Column: col, Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		rev := slices.Clone(desc)
		slices.Reverse(rev)
		if !slices.Equal(asc, rev) {
			t.Errorf("%s: descending is not the reverse of ascending", col)
		}
	}
}

func TestPageConcatenationEqualsIDs(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	ctx := context.Background()
	all := allCards(t, fx.s)
	byID := map[int64]data.Card{}
	for _, c := range all {
		byID[c.ID] = c
	}
	filters := []data.Filter{{}, {Status: data.StatusExpired}, {Reseller: "acme CORP"},
		{SerialFrom: serialPtr("9", 4), AmountTo: i64(100000)}, {Client: "ž"}, {Batch: 9999}}
	for _, col := range append([]data.Column{""}, data.Columns...) {
		for _, desc := range []bool{false, true} {
			o := data.Sort{Column: col, Desc: desc}
			for _, f := range filters {
				for _, limit := range []int{1, 7, 64} {
					want, err := fx.s.IDs(ctx, f, o)
					if err != nil {
						t.Fatal(err)
					}
					var got []int64
					var cur data.Cursor
					for pages := 0; ; pages++ {
						if pages > len(all)+1 {
							t.Fatalf("%+v %s limit %d: paging does not end", o, f.Describe(), limit)
						}
						page, next, err := fx.s.Page(ctx, f, o, cur, limit)
						if err != nil {
							t.Fatalf("page: %v", err)
						}
						if len(page) > limit {
							t.Fatalf("page of %d cards with limit %d", len(page), limit)
						}
						for _, c := range page {
							if !reflect.DeepEqual(c, byID[c.ID]) {
								t.Errorf("page card %d: %+v, want %+v", c.ID, c, byID[c.ID])
							}
							got = append(got, c.ID)
						}
						if len(page) < limit {
							break
						}
						cur = next
					}
					if !slices.Equal(got, want) {
						t.Errorf("sort %+v, %s, limit %d: pages give\n %v\nIDs gives\n %v", o, f.Describe(), limit, got, want)
					}
				}
			}
		}
	}
}

func TestPageCursorForAnotherSortRefused(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	ctx := context.Background()
	_, cur, err := fx.s.Page(ctx, data.Filter{}, data.Sort{Column: data.ColSerial}, data.Cursor{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = fx.s.Page(ctx, data.Filter{}, data.Sort{Column: data.ColAmount}, cur, 3)
	wantErr(t, err, data.ErrInvalid, "page with a serial cursor sorted by amount")
}

func TestEachVisitsEveryMatchedCardInOrder(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	// More than one of Each's internal pages.
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 2500, Series: "E"})
	for _, o := range []data.Sort{{}, {Column: data.ColPIN, Desc: true}} {
		want, err := s.IDs(ctx, data.Filter{}, o)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		if err := s.Each(ctx, data.Filter{}, o, func(c data.Card) error { got = append(got, c.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Each %+v visited %d cards, IDs lists %d (or the order differs)", o, len(got), len(want))
		}
	}
}

func TestCardsByIDKeepsOrderAndSkipsMissing(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	all := allCards(t, fx.s)
	ids := []int64{all[10].ID, 987654, all[2].ID, all[30].ID}
	got, err := fx.s.CardsByID(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	want := []data.Card{all[10], all[2], all[30]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CardsByID(%v) = %v, want %v", ids, idsOf(got), idsOf(want))
	}
}

func TestSummarizeTotalsPerCurrency(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	ctx := context.Background()
	all := allCards(t, fx.s)
	sum, err := fx.s.Summarize(ctx, data.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// From the batches' parameters: count and face value per currency, and
	// the unredeemed part minus the activated cards' amounts.
	want := map[string]data.CurrencyTotal{}
	for _, b := range fx.batches {
		w := want[b.Amount.Currency]
		w.Currency = b.Amount.Currency
		w.Cards += b.Quantity
		w.Face += b.Quantity * b.Amount.Minor
		w.Unredeemed += b.Quantity * b.Amount.Minor
		want[b.Amount.Currency] = w
	}
	for _, c := range all {
		if !c.ActivatedAt.IsZero() {
			w := want[c.Amount.Currency]
			w.Unredeemed -= c.Amount.Minor
			want[c.Amount.Currency] = w
		}
	}
	if sum.Cards != int64(len(all)) || len(sum.Totals) != len(want) {
		t.Fatalf("summary %+v, want %d cards in %d currencies", sum, len(all), len(want))
	}
	for i, got := range sum.Totals {
		if i > 0 && sum.Totals[i-1].Currency >= got.Currency {
			t.Errorf("totals not ordered by currency: %+v", sum.Totals)
		}
		if got != want[got.Currency] {
			t.Errorf("total %s: %+v, want %+v", got.Currency, got, want[got.Currency])
		}
	}
	empty, err := fx.s.Summarize(ctx, data.Filter{Batch: 9999})
	if err != nil || empty.Cards != 0 || len(empty.Totals) != 0 {
		t.Errorf("summary of no cards: %+v, %v", empty, err)
	}
}
