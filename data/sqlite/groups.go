package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
)

// A sortGroup is one value of a sort key that SQLite cannot walk in order
// through an index (the derived status, the reseller's name): its cards are
// one condition, walked in id order through an index.
type sortGroup struct {
	key  any    // the sort key's value, as the cursor holds it
	cond string // the cards of the group
	args []any
}

// sortGroups lists the groups of o's column in o's order.
func (v view) sortGroups(ctx context.Context, o data.Sort, now time.Time) ([]sortGroup, error) {
	var gs []sortGroup
	switch o.Column {
	case data.ColStatus:
		for i, st := range []data.Status{data.StatusNew, data.StatusActivated, data.StatusExpired, data.StatusBlocked} {
			cond, args := statusCond(st, now)
			gs = append(gs, sortGroup{int64(i), cond, args})
		}
	case data.ColReseller:
		gs = []sortGroup{{"", "c.reseller_id IS NULL", nil}}
		rows, err := v.q.QueryContext(ctx, "SELECT id, name FROM resellers ORDER BY name COLLATE NOCASE, id")
		if err != nil {
			return nil, fmt.Errorf("list cards: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return nil, fmt.Errorf("list cards: %w", err)
			}
			gs = append(gs, sortGroup{name, "c.reseller_id = ?", []any{id}})
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list cards: %w", err)
		}
	}
	if o.Desc {
		for i, j := 0, len(gs)-1; i < j; i, j = i+1, j-1 {
			gs[i], gs[j] = gs[j], gs[i]
		}
	}
	return gs, nil
}

// pageGroups is Page for a grouped sort: group after group, each in id order.
func (v view) pageGroups(ctx context.Context, f data.Filter, o data.Sort, where string, args []any, now time.Time,
	after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	gs, err := v.sortGroups(ctx, o, now)
	if err != nil {
		return nil, data.Cursor{}, err
	}
	op, dir := ">", " ASC"
	if o.Desc {
		op, dir = "<", " DESC"
	}
	start := 0
	if !after.IsZero() {
		start = -1
		for i, g := range gs {
			if sameKey(g.key, after.Keys[0]) {
				start = i
				break
			}
		}
		if start < 0 {
			return nil, data.Cursor{}, errf(data.ErrInvalid, "page: the cursor's group is gone; start again")
		}
	}
	var cards []data.Card
	var next data.Cursor
	for i := start; i < len(gs) && len(cards) < limit; i++ {
		g := gs[i]
		cond := where + " AND " + g.cond
		cargs := append(append([]any{}, args...), g.args...)
		if i == start && !after.IsZero() {
			cond += " AND c.id " + op + " ?"
			cargs = append(cargs, after.ID)
		}
		page, _, err := v.pageQuery(ctx, nil, nil, cond, cargs, "c.id"+dir, nil, limit-len(cards))
		if err != nil {
			return nil, data.Cursor{}, err
		}
		if len(page) > 0 {
			cards = append(cards, page...)
			next = data.Cursor{Keys: []any{g.key}, ID: page[len(page)-1].ID}
		}
	}
	return cards, next, nil
}

// idsGroups is IDs for a grouped sort.
func (v view) idsGroups(ctx context.Context, o data.Sort, where string, args []any, now time.Time) ([]int64, error) {
	gs, err := v.sortGroups(ctx, o, now)
	if err != nil {
		return nil, err
	}
	dir := " ASC"
	if o.Desc {
		dir = " DESC"
	}
	ids := make([]int64, 0, 1024)
	for _, g := range gs {
		q := "SELECT c.id FROM cards c WHERE " + where + " AND " + g.cond + " ORDER BY c.id" + dir
		rows, err := v.q.QueryContext(ctx, q, append(append([]any{}, args...), g.args...)...)
		if err != nil {
			return nil, fmt.Errorf("list cards: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("list cards: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list cards: %w", err)
		}
	}
	return ids, nil
}

func sameKey(a, b any) bool {
	if as, ok := a.(string); ok {
		bs, _ := b.(string)
		return strings.EqualFold(as, bs)
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}
