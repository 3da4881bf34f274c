package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
)

// view is where and when the queries read: the pool at the clock's time,
// or one read transaction at the time it began.
type view struct {
	q   querier
	now time.Time
}

func (s *Store) view() view { return view{q: s.db, now: s.Now()} }

// Summarize counts the cards f matches and totals them per currency.
func (s *Store) Summarize(ctx context.Context, f data.Filter) (data.Summary, error) {
	return s.view().summarize(ctx, f)
}

// Count counts the cards f matches.
func (s *Store) Count(ctx context.Context, f data.Filter) (int64, error) {
	s.foldCounts(ctx)
	return s.view().count(ctx, f)
}

// Page returns up to limit cards f matches in the order o, after the
// cursor (keyset paging: every page costs what the first costs).
func (s *Store) Page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	return s.view().page(ctx, f, o, after, limit)
}

// IDs returns the ids of every card f matches in the order o.
func (s *Store) IDs(ctx context.Context, f data.Filter, o data.Sort) ([]int64, error) {
	return s.view().ids(ctx, f, o)
}

// Each calls fn for every card f matches, in the order o, a page at a
// time. An export reads through Store.Read instead, which sees one state.
func (s *Store) Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	return s.view().each(ctx, f, o, fn)
}

func (v view) summarize(ctx context.Context, f data.Filter) (data.Summary, error) {
	if err := f.Validate(); err != nil {
		return data.Summary{}, err
	}
	if f.Grouped() {
		return data.GroupSummary(ctx, v.q, "card_group_deltas", f, v.now)
	}
	where, args := where(f, v.now)
	q := `SELECT c.currency, count(*), coalesce(sum(c.amount), 0)::bigint,
			coalesce(sum(c.amount) FILTER (WHERE c.activated_at IS NULL), 0)::bigint
		FROM cards c WHERE ` + where + ` GROUP BY c.currency ORDER BY c.currency`
	rows, err := v.q.QueryContext(ctx, q, args...)
	return data.ScanSummary(rows, err)
}

// statusTotals counts the cards f matches per status and currency, in the
// order of Statuses and then by currency.
func (v view) statusTotals(ctx context.Context, f data.Filter) ([]data.StatusTotal, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	where, args := where(f, v.now)
	q := `SELECT ` + statusSQL + `, c.currency, count(*), coalesce(sum(c.amount), 0)::bigint FROM cards c WHERE ` + where +
		` GROUP BY 1, 2 ORDER BY 1, 2`
	rows, err := v.q.QueryContext(ctx, q, append([]any{v.now.Unix()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("count cards: %w", err)
	}
	defer rows.Close()
	var out []data.StatusTotal
	for rows.Next() {
		var t data.StatusTotal
		var status int
		if err := rows.Scan(&status, &t.Currency, &t.Cards, &t.Face); err != nil {
			return nil, fmt.Errorf("count cards: %w", err)
		}
		if status < 0 || status >= len(data.Statuses) {
			return nil, fmt.Errorf("count cards: status %d", status)
		}
		t.Status = data.Statuses[status]
		out = append(out, t)
	}
	return out, rows.Err()
}

func (v view) count(ctx context.Context, f data.Filter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if n, ok, err := v.groupCount(ctx, f); err != nil || ok {
		return n, err
	}
	if n, ok, err := v.countBroad(ctx, f); err != nil || ok {
		return n, err
	}
	where, args := where(f, v.now)
	var n int64
	if err := v.q.QueryRowContext(ctx, "SELECT count(*) FROM cards c WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cards: %w", err)
	}
	return n, nil
}

func (v view) page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	if err := f.Validate(); err != nil {
		return nil, data.Cursor{}, err
	}
	if limit <= 0 {
		limit = 100
	}
	keys, keyArgs := sortKeys(o, v.now)
	cond, args := where(f, v.now)
	if !after.IsZero() && len(after.Keys) != len(keys) {
		return nil, data.Cursor{}, errf(data.ErrInvalid, "page: cursor is for another sort order")
	}
	if (o.Column == "" || o.Column == data.ColSerial) && f.Grouped() {
		// Batch after batch that holds the search's cards (the kept counts
		// per group), each read along its serial range: the server would
		// rather sort every matching card for the first page.
		spans, err := data.GroupSpans(ctx, v.q, "card_group_deltas", f, v.now, o.Desc, after)
		if err != nil {
			return nil, data.Cursor{}, err
		}
		return data.PageSpans(spans, after, limit, func(s data.SerialSpan, after data.Cursor, want int) ([]data.Card, data.Cursor, error) {
			if s.Dense(want) {
				return v.walkSpan(ctx, o, cond, args, s, after, want)
			}
			// The few cards of the batch: the server finds them through
			// the filter's index and sorts them.
			c := cond + " AND c.batch_id = ? AND c.series = ? AND c.number BETWEEN ? AND ?"
			a := append(append([]any{}, args...), s.Batch, s.Series, s.First, s.Last)
			return v.pageQuery(ctx, o, keys, keyArgs, c, a, after, want)
		})
	}
	return v.pageQuery(ctx, o, keys, keyArgs, cond, args, after, limit)
}

// pageQuery runs one page query: up to limit cards matching cond after the
// cursor, in the order o (keys), with the cursor of the last one.
func (v view) pageQuery(ctx context.Context, o data.Sort, keys []string, keyArgs []any,
	cond string, args []any, after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	// The arguments in the order their placeholders occur: the keys in the
	// SELECT list, the filter (and the cursor), the keys in the ORDER BY.
	all := append(append([]any{}, keyArgs...), args...)
	if !after.IsZero() {
		// One row value over the keys and the id: the server seeks in the
		// index (key, id).
		op := ">"
		if o.Desc {
			op = "<"
		}
		cond += " AND (" + strings.Join(keys, ", ") + ", c.id) " + op + " (" + strings.Repeat("?, ", len(keys)) + "?)"
		all = append(append(append(all, keyArgs...), after.Keys...), after.ID)
	}
	all = append(append(all, keyArgs...), limit)
	var q strings.Builder
	q.WriteString("SELECT " + cardColumns)
	for _, k := range keys {
		q.WriteString(", " + k)
	}
	q.WriteString(cardFrom + " WHERE " + cond + " ORDER BY " + orderBy(o, keys) + " LIMIT ?")
	rows, err := v.q.QueryContext(ctx, q.String(), all...)
	if err != nil {
		return nil, data.Cursor{}, fmt.Errorf("list cards: %w", err)
	}
	defer rows.Close()
	var cards []data.Card
	var next data.Cursor
	for rows.Next() {
		vals := make([]any, len(keys))
		ptrs := make([]any, len(keys))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		c, err := scanCard(scanExtra{rows, ptrs})
		if err != nil {
			return nil, data.Cursor{}, fmt.Errorf("list cards: %w", err)
		}
		cards = append(cards, c)
		next = data.Cursor{Keys: vals, ID: c.ID}
	}
	if err := rows.Err(); err != nil {
		return nil, data.Cursor{}, fmt.Errorf("list cards: %w", err)
	}
	return cards, next, nil
}

// scanExtra scans the card columns followed by extra destinations.
type scanExtra struct {
	rows interface{ Scan(...any) error }
	more []any
}

func (s scanExtra) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.more...)...) }

func (v view) ids(ctx context.Context, f data.Filter, o data.Sort) ([]int64, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	keys, keyArgs := sortKeys(o, v.now)
	cond, args := where(f, v.now)
	q := "SELECT c.id" + cardFrom + " WHERE " + cond + " ORDER BY " + orderBy(o, keys)
	rows, err := v.q.QueryContext(ctx, q, append(args, keyArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("list cards: %w", err)
	}
	defer rows.Close()
	ids := make([]int64, 0, 1024)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list cards: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CardsByID loads the cards with the given ids, in the order given. Ids of
// cards that no longer exist are skipped.
func (s *Store) CardsByID(ctx context.Context, ids []int64) ([]data.Card, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := "SELECT " + cardColumns + " FROM unnest(?::bigint[]) WITH ORDINALITY j(id, n) JOIN cards c ON c.id = j.id" +
		" LEFT JOIN resellers r ON r.id = c.reseller_id ORDER BY j.n"
	rows, err := s.db.QueryContext(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("load cards: %w", err)
	}
	defer rows.Close()
	out := make([]data.Card, 0, len(ids))
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, fmt.Errorf("load cards: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// each calls fn for every card f matches, in the order o, a page at a time.
func (v view) each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	var cur data.Cursor
	for {
		page, next, err := v.page(ctx, f, o, cur, 1000)
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < 1000 {
			return nil
		}
		cur = next
	}
}

// Card returns the card with the given id.
func (s *Store) Card(ctx context.Context, id int64) (data.Card, error) {
	return cardByID(ctx, s.db, id)
}

func cardByID(ctx context.Context, q queryer, id int64) (data.Card, error) {
	c, err := scanCard(q.QueryRowContext(ctx, "SELECT "+cardColumns+cardFrom+" WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return data.Card{}, errf(data.ErrNotFound, "card %d", id)
	}
	if err != nil {
		return data.Card{}, fmt.Errorf("load card: %w", err)
	}
	return c, nil
}

// reader is data.Reader over one read-only REPEATABLE READ transaction:
// every query sees the state of its first read.
type reader struct{ v view }

// Read calls fn with a Reader over one read transaction and ends it when
// fn returns. It takes no lock: other desks go on writing meanwhile.
func (s *Store) Read(ctx context.Context, fn func(r data.Reader) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return fmt.Errorf("read cards: %w", err)
	}
	defer tx.Rollback()
	t := &txn{tx}
	// The snapshot is taken at the first query: take it with the time.
	var some bool
	if err := t.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM cards)").Scan(&some); err != nil {
		return fmt.Errorf("read cards: %w", err)
	}
	return fn(&reader{v: view{q: t, now: s.Now()}})
}

func (r *reader) Now() time.Time { return r.v.now }

func (r *reader) Summarize(ctx context.Context, f data.Filter) (data.Summary, error) {
	return r.v.summarize(ctx, f)
}

func (r *reader) Count(ctx context.Context, f data.Filter) (int64, error) { return r.v.count(ctx, f) }

func (r *reader) Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	return r.v.each(ctx, f, o, fn)
}

func (r *reader) StatusTotals(ctx context.Context, f data.Filter) ([]data.StatusTotal, error) {
	return r.v.statusTotals(ctx, f)
}
