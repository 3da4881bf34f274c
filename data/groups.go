package data

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Both stores keep a count of cards per group: one row per batch, reseller,
// face value and currency, expiry, redeemed or not, blocked or not and
// printed or not, updated by the database in the statement that changes a
// card. A search by those fields only (Filter.Grouped) is counted by adding
// up a few of those rows, and its first page in serial order is read from
// the batches that hold its cards (SerialSpans): on a million cards both
// take milliseconds where counting or sorting the cards themselves takes
// hundreds.

// Grouped reports whether f selects cards by the fields the kept group
// counts hold and by nothing else (the empty filter too).
func (f Filter) Grouped() bool {
	rest := f
	rest.Status, rest.Reseller, rest.Batch, rest.Printed = "", "", 0, PrintedAny
	rest.AmountFrom, rest.AmountTo = nil, nil
	rest.ExpiryFrom, rest.ExpiryTo = time.Time{}, time.Time{}
	return rest.IsEmpty()
}

// GroupSQL is the condition over one row g of the kept group counts that
// holds when the row's cards match f at time now, with ? placeholders. The
// columns are g.batch_id, g.reseller_id (0: none), g.amount, g.currency,
// g.expires_at (0: never), g.activated, g.blocked and g.printed (0 or 1). f
// must be Grouped. The reseller is looked up by its folded name (casefold,
// which both stores provide).
func GroupSQL(f Filter, now time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	switch f.Status {
	case StatusNew:
		add("g.activated = 0 AND g.blocked = 0 AND (g.expires_at = 0 OR g.expires_at > ?)", now.Unix())
	case StatusActivated:
		add("g.activated = 1")
	case StatusExpired:
		add("g.activated = 0 AND g.blocked = 0 AND g.expires_at BETWEEN 1 AND ?", now.Unix())
	case StatusBlocked:
		add("g.activated = 0 AND g.blocked = 1")
	}
	if f.Reseller != "" {
		add("g.reseller_id = coalesce((SELECT id FROM resellers WHERE name_key = casefold(?)), -1)",
			strings.Join(strings.Fields(f.Reseller), " "))
	}
	if f.AmountFrom != nil || f.AmountTo != nil {
		cond, a := AmountSQL(f.AmountFrom, f.AmountTo, 0)
		add(strings.ReplaceAll(cond, "c.", "g."), a...)
	}
	if !f.ExpiryFrom.IsZero() {
		add("g.expires_at >= ?", max(f.ExpiryFrom.Unix(), 1))
	}
	if !f.ExpiryTo.IsZero() {
		add("g.expires_at BETWEEN 1 AND ?", f.ExpiryTo.Unix())
	}
	if f.Batch != 0 {
		add("g.batch_id = ?", f.Batch)
	}
	switch f.Printed {
	case PrintedYes:
		add("g.printed = 1")
	case PrintedNo:
		add("g.printed = 0")
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// Querier runs the kept counts' queries: a store's pool or one read
// transaction (database/sql, as both stores use it).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// GroupCount counts the cards of a Grouped search f at time now from the
// kept counts in table (g's columns as GroupSQL says).
func GroupCount(ctx context.Context, q Querier, table string, f Filter, now time.Time) (int64, error) {
	cond, args := GroupSQL(f, now)
	var n int64
	if err := q.QueryRowContext(ctx, "SELECT CAST(coalesce(sum(g.n), 0) AS BIGINT) FROM "+table+" g WHERE "+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cards: %w", err)
	}
	return n, nil
}

// GroupSummary counts and totals per currency the cards of a Grouped
// search from the kept counts in table.
func GroupSummary(ctx context.Context, q Querier, table string, f Filter, now time.Time) (Summary, error) {
	cond, args := GroupSQL(f, now)
	rows, err := q.QueryContext(ctx, `SELECT g.currency, CAST(sum(g.n) AS BIGINT), CAST(sum(g.n * g.amount) AS BIGINT),
		CAST(sum(CASE WHEN g.activated = 0 THEN g.n * g.amount ELSE 0 END) AS BIGINT)
		FROM `+table+` g WHERE `+cond+` GROUP BY g.currency HAVING sum(g.n) > 0 ORDER BY g.currency`, args...)
	return ScanSummary(rows, err)
}

// ScanSummary reads a summary query's rows (currency, cards, face value,
// unredeemed value, in currency order), as both stores write it.
func ScanSummary(rows *sql.Rows, err error) (Summary, error) {
	if err != nil {
		return Summary{}, fmt.Errorf("count cards: %w", err)
	}
	defer rows.Close()
	var sum Summary
	for rows.Next() {
		var t CurrencyTotal
		if err := rows.Scan(&t.Currency, &t.Cards, &t.Face, &t.Unredeemed); err != nil {
			return Summary{}, fmt.Errorf("count cards: %w", err)
		}
		sum.Cards += t.Cards
		sum.Totals = append(sum.Totals, t)
	}
	if err := rows.Err(); err != nil {
		return Summary{}, fmt.Errorf("count cards: %w", err)
	}
	return sum, nil
}

// GroupSpans lists the batches holding cards of a Grouped search (from the
// kept counts in table), in the order of a serial sort (desc: from the
// end), from the cursor of a serial sort on. A batch's cards are one
// serial range: numbers first to last of its series, which the generation
// reserved for it alone.
func GroupSpans(ctx context.Context, q Querier, table string, f Filter, now time.Time, desc bool, after Cursor) ([]SerialSpan, error) {
	cond, args := GroupSQL(f, now)
	rows, err := q.QueryContext(ctx, `SELECT b.id, b.series, b.first_number, b.first_number + b.quantity - 1, b.quantity, s.n
		FROM (SELECT g.batch_id, CAST(sum(g.n) AS BIGINT) AS n FROM `+table+` g WHERE `+cond+` GROUP BY g.batch_id) s
		JOIN batches b ON b.id = s.batch_id WHERE s.n > 0`, args...)
	if err != nil {
		return nil, fmt.Errorf("list cards: %w", err)
	}
	defer rows.Close()
	var spans []SerialSpan
	for rows.Next() {
		var s SerialSpan
		if err := rows.Scan(&s.Batch, &s.Series, &s.First, &s.Last, &s.Size, &s.Matched); err != nil {
			return nil, fmt.Errorf("list cards: %w", err)
		}
		spans = append(spans, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list cards: %w", err)
	}
	var from *Serial
	if !after.IsZero() {
		if len(after.Keys) != 2 {
			return nil, errf(ErrInvalid, "page: cursor is for another sort order")
		}
		series, _ := after.Keys[0].(string)
		number, _ := after.Keys[1].(int64)
		from = &Serial{Series: series, Number: number}
	}
	return SerialSpans(spans, desc, from), nil
}

// PageSpans reads up to limit cards of a Grouped search in serial order
// after the cursor, span after span (GroupSpans); read reads the next want
// cards of one span after a cursor, walking its serial range when the span
// is Dense for want. It returns the cards and the cursor of the last.
func PageSpans(spans []SerialSpan, after Cursor, limit int,
	read func(s SerialSpan, after Cursor, want int) ([]Card, Cursor, error)) ([]Card, Cursor, error) {
	var cards []Card
	next := after
	for _, s := range spans {
		want := limit - len(cards)
		if want <= 0 {
			break
		}
		got, last, err := read(s, next, want)
		if err != nil {
			return nil, Cursor{}, err
		}
		if len(got) > 0 {
			cards, next = append(cards, got...), last
		}
	}
	if len(cards) == 0 {
		return nil, Cursor{}, nil
	}
	return cards, next, nil
}

// A SerialSpan is one batch's serial range and how many of its cards a
// search matches.
type SerialSpan struct {
	Batch       int64
	Series      string
	First, Last int64 // numbers, inclusive
	Size        int64 // cards the batch was made with
	Matched     int64
}

// spanWalkCap is how many cards a page may step over inside one span
// before the span is read through the planner's choice of index instead.
const spanWalkCap = 20_000

// Dense reports whether the next want cards of s are best found by walking
// its serial range: at s's share of matching cards the walk steps over at
// most spanWalkCap cards. Otherwise its few matching cards are best found
// through another index and sorted.
func (s SerialSpan) Dense(want int) bool {
	return s.Matched > 0 && int64(want)*s.Size <= spanWalkCap*s.Matched
}

// WalkChunk is how many cards of s a walk reads at first to find want
// matching ones, at s's share of matching cards and a little over; a walk
// that found too few reads on in chunks twice as large (up to
// spanWalkCap).
func (s SerialSpan) WalkChunk(want int) int {
	if s.Matched <= 0 {
		return spanWalkCap
	}
	return int(min(spanWalkCap, int64(want)*s.Size/s.Matched*5/4+16))
}

// SerialSpans orders spans as a serial sort reads them (desc: from the
// end) and drops those wholly at or before the cursor's serial (nil: the
// start).
func SerialSpans(spans []SerialSpan, desc bool, after *Serial) []SerialSpan {
	out := slices.Clone(spans)
	slices.SortFunc(out, func(a, b SerialSpan) int {
		c := cmp.Or(cmp.Compare(a.Series, b.Series), cmp.Compare(a.First, b.First))
		if desc {
			return -c
		}
		return c
	})
	if after == nil {
		return out
	}
	return slices.DeleteFunc(out, func(s SerialSpan) bool {
		if desc {
			return s.Series > after.Series || (s.Series == after.Series && s.First >= after.Number)
		}
		return s.Series < after.Series || (s.Series == after.Series && s.Last <= after.Number)
	})
}
