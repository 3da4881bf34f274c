package sqlite

import (
	"context"

	"topupcards/data"
)

// The kept counts per group (table card_groups, migration 12; see
// data.GroupSQL): a search by batch, reseller, face value, expiry, status
// and printed only is counted, totalled and paged from them.

// pageSpans is Page for a Grouped search in serial order: batch after batch
// that holds its cards (data.GroupSpans), each read along its serial range
// through cards_serial when its cards are many there (a walk that stops at
// the page's end), or through the planner's choice of index when they are
// few.
func (v view) pageSpans(ctx context.Context, f data.Filter, o data.Sort, where string, args []any, after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	keys, keyArgs := sortKeys(o, v.now)
	spans, err := data.GroupSpans(ctx, v.q, "card_groups", f, v.now, o.Desc, after)
	if err != nil {
		return nil, data.Cursor{}, err
	}
	op := ">"
	if o.Desc {
		op = "<"
	}
	return data.PageSpans(spans, after, limit, func(s data.SerialSpan, after data.Cursor, want int) ([]data.Card, data.Cursor, error) {
		cond := where + " AND c.series = ? AND c.number BETWEEN ? AND ? AND c.batch_id = ?"
		cargs := append(append([]any{}, args...), s.Series, s.First, s.Last, s.Batch)
		if !after.IsZero() {
			cond += " AND (c.series, c.number, c.id) " + op + " (?, ?, ?)"
			cargs = append(cargs, after.Keys[0], after.Keys[1], after.ID)
		}
		w := v
		w.serialWalk = s.Dense(want)
		return w.pageQuery(ctx, keys, keyArgs, cond, cargs, orderBy(o, keys), keyArgs, want)
	})
}
