package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
)

// querier is what the card queries run on: the pool (*sql.DB) or one read
// transaction (*sql.Tx, see Store.Read).
type querier interface {
	queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// amountScale is the one scale of the file's currencies when f searches
// amounts (data.AmountScaleSQL: a few batch rows), 0 otherwise or when
// they mix numbers of decimals.
func amountScale(ctx context.Context, q queryer, f data.Filter) (int64, error) {
	if f.AmountFrom == nil && f.AmountTo == nil {
		return 0, nil
	}
	var scale int64
	if err := q.QueryRowContext(ctx, data.AmountScaleSQL).Scan(&scale); err != nil {
		return 0, fmt.Errorf("read the currencies: %w", err)
	}
	return scale, nil
}

// view is where and when the queries read: the store's pool at the clock's
// time, or one read transaction at the time it began.
type view struct {
	q   querier
	now time.Time
	// serialWalk reads the cards through cards_serial, in serial order,
	// whatever the planner would pick (see page).
	serialWalk bool
}

// view reads the pool now.
func (s *Store) view() view { return view{q: s.db, now: s.Now()} }

// Summarize counts the cards f matches and totals them per currency.
func (s *Store) Summarize(ctx context.Context, f data.Filter) (data.Summary, error) {
	return s.view().summarize(ctx, f)
}

// Count returns how many cards f matches.
func (s *Store) Count(ctx context.Context, f data.Filter) (int64, error) {
	return s.view().count(ctx, f)
}

// Page returns up to limit cards that f matches in the order o, starting
// after cursor, and the cursor of the last row returned. It seeks straight
// to the cursor through the sort's index (keyset paging), so a page deep in
// a million cards costs what the first page costs.
func (s *Store) Page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	return s.view().page(ctx, f, o, after, limit)
}

// IDs returns the ids of every card f matches in the order o. The window
// uses it to map a row number to a card without OFFSET scans.
func (s *Store) IDs(ctx context.Context, f data.Filter, o data.Sort) ([]int64, error) {
	return s.view().ids(ctx, f, o)
}

// Each calls fn for every card f matches, in the order o, reading the rows
// in pages so memory stays flat. Each page is its own query: a card changed
// between pages may be missed or seen changed. An export reads through
// Store.Read instead, which sees one state throughout.
func (s *Store) Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	return s.view().each(ctx, f, o, fn)
}

func (v view) summarize(ctx context.Context, f data.Filter) (data.Summary, error) {
	if err := f.Validate(); err != nil {
		return data.Summary{}, err
	}
	if f.Grouped() {
		return data.GroupSummary(ctx, v.q, "card_groups", f, v.now)
	}
	scale, err := amountScale(ctx, v.q, f)
	if err != nil {
		return data.Summary{}, err
	}
	where, args := where(f, v.now, scale)
	// total() is exact for integers below 2^53 and never overflows.
	q := `SELECT c.currency, count(*), CAST(total(c.amount) AS INTEGER),
		CAST(total(CASE WHEN c.activated_at IS NULL THEN c.amount END) AS INTEGER)
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
	scale, err := amountScale(ctx, v.q, f)
	if err != nil {
		return nil, err
	}
	where, args := where(f, v.now, scale)
	q := `SELECT ` + statusSQL + `, c.currency, count(*), total(c.amount) FROM cards c WHERE ` + where +
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
		var face float64
		if err := rows.Scan(&status, &t.Currency, &t.Cards, &face); err != nil {
			return nil, fmt.Errorf("count cards: %w", err)
		}
		if status < 0 || status >= len(data.Statuses) {
			return nil, fmt.Errorf("count cards: status %d", status)
		}
		t.Status, t.Face = data.Statuses[status], int64(face)
		out = append(out, t)
	}
	return out, rows.Err()
}

func (v view) count(ctx context.Context, f data.Filter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if f.Grouped() {
		return data.GroupCount(ctx, v.q, "card_groups", f, v.now)
	}
	if n, ok, err := v.countBroad(ctx, f); err != nil || ok {
		return n, err
	}
	scale, err := amountScale(ctx, v.q, f)
	if err != nil {
		return 0, err
	}
	where, args := where(f, v.now, scale)
	var n int64
	err = v.q.QueryRowContext(ctx, "SELECT count(*) FROM cards c WHERE "+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count cards: %w", err)
	}
	return n, nil
}

// statusCount is a statement that counts the cards of status st ("" = all
// cards) quickly, with its arguments.
func statusCount(st data.Status, now time.Time) (string, []any) {
	switch st {
	case "":
		return "SELECT count(*) FROM cards", nil
	case data.StatusNew:
		// Most cards are new: counting them one by one costs a pass over
		// the table. All cards (a count SQLite keeps per b-tree page) less
		// the other three statuses (small index ranges) is the same.
		return `SELECT (SELECT count(*) FROM cards)
			- (SELECT count(*) FROM cards c WHERE ifnull(c.activated_at, 0) > 0)
			- (SELECT count(*) FROM cards c WHERE c.activated_at IS NULL AND c.blocked = 1)
			- (SELECT count(*) FROM cards c WHERE c.activated_at IS NULL AND c.blocked = 0 AND c.expires_at <= ?)`, []any{now.Unix()}
	}
	where, args := where(data.Filter{Status: st}, now)
	return "SELECT count(*) FROM cards c WHERE " + where, args
}

// countBroad counts the cards of f's status (statusCount) less those of that
// status outside the rest of f (Filter.complement), in one statement so
// both counts see one state. A broad search (amount 5 to 9 over cards of
// 8.00) costs a few short index ranges instead of a walk over nearly every
// card. It reports false when f cannot be counted so or is not broad: at
// least complementCap cards lie outside it.
func (v view) countBroad(ctx context.Context, f data.Filter) (int64, bool, error) {
	rest := f
	rest.Status = ""
	base, baseArgs := statusCount(f.Status, v.now)
	if rest.IsEmpty() {
		var n int64
		if err := v.q.QueryRowContext(ctx, base, baseArgs...).Scan(&n); err != nil {
			return 0, false, fmt.Errorf("count cards: %w", err)
		}
		return n, true, nil
	}
	scale, err := amountScale(ctx, v.q, rest)
	if err != nil {
		return 0, false, err
	}
	cond, args, ok := complement(rest, v.now, scale)
	if !ok {
		return 0, false, nil
	}
	st, stArgs := where(data.Filter{Status: f.Status}, v.now)
	q := `SELECT (` + base + `), (SELECT count(*) FROM (SELECT 1 FROM cards c WHERE ` + st + ` AND (` + cond + `) LIMIT ?))`
	all := append(append(append(append([]any{}, baseArgs...), stArgs...), args...), complementCap)
	var n, outside int64
	if err := v.q.QueryRowContext(ctx, q, all...).Scan(&n, &outside); err != nil {
		return 0, false, fmt.Errorf("count cards: %w", err)
	}
	if outside >= complementCap {
		return 0, false, nil
	}
	return n - outside, true, nil
}

func (v view) page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error) {
	if err := f.Validate(); err != nil {
		return nil, data.Cursor{}, err
	}
	if limit <= 0 {
		limit = 100
	}
	now := v.now
	keys, keyArgs := sortKeys(o, now)
	scale, err := amountScale(ctx, v.q, f)
	if err != nil {
		return nil, data.Cursor{}, err
	}
	where, args := where(f, now, scale)
	if !after.IsZero() && len(after.Keys) != len(keys) {
		return nil, data.Cursor{}, errf(data.ErrInvalid, "page: cursor is for another sort order")
	}
	switch o.Column {
	case data.ColStatus, data.ColReseller:
		return v.pageGroups(ctx, f, o, where, args, now, after, limit)
	case "", data.ColSerial:
		if f.Grouped() {
			return v.pageSpans(ctx, f, o, where, args, after, limit)
		}
	}
	if (o.Column == "" || o.Column == data.ColSerial) && !f.IsEmpty() {
		// A search that matches nearly every card is read in serial order
		// straight off cards_serial: the planner, whose statistics may be
		// sampled or stale (a file of a million cards of 8.00 looks to it
		// like 2,001 cards per amount), would rather take the amount's index
		// and sort a million rows for the first page. Broad is what the
		// count's complement says (a few index ranges, or a capped probe).
		if _, broad, err := v.countBroad(ctx, f); err != nil {
			return nil, data.Cursor{}, err
		} else if broad {
			v.serialWalk = true
		}
	}
	op, dir := ">", " ASC"
	if o.Desc {
		op, dir = "<", " DESC"
	}
	if after.IsZero() {
		return v.pageQuery(ctx, keys, keyArgs, where, args, orderBy(o, keys), keyArgs, limit)
	}
	if len(keys) > 1 {
		// The serial: a row value over real columns seeks in cards_serial.
		cond := where + " AND (" + strings.Join(keys, ", ") + ", c.id) " + op + " (" + strings.Repeat("?, ", len(keys)) + "?)"
		cargs := append(append(append([]any{}, args...), after.Keys...), after.ID)
		return v.pageQuery(ctx, keys, keyArgs, cond, cargs, orderBy(o, keys), keyArgs, limit)
	}
	// One key: SQLite does not seek on (key, id) > (?, ?), it scans the
	// key's whole tie group. Finish the cursor's group through (key, rowid),
	// then continue after it.
	k := keys[0]
	cond := where + " AND " + k + " = ? AND c.id " + op + " ?"
	cargs := append(append(append(append([]any{}, keyArgs...), args...), keyArgs...), after.Keys[0], after.ID)
	cards, next, err := v.pageQuery(ctx, keys, keyArgs, cond, cargs, "c.id"+dir, nil, limit)
	if err != nil || len(cards) == limit {
		return cards, next, err
	}
	cond = where + " AND " + k + " " + op + " ?"
	cargs = append(append(append([]any{}, args...), keyArgs...), after.Keys[0])
	more, next2, err := v.pageQuery(ctx, keys, keyArgs, cond, cargs, orderBy(o, keys), keyArgs, limit-len(cards))
	if err != nil {
		return nil, data.Cursor{}, err
	}
	if len(more) > 0 {
		next = next2
	}
	return append(cards, more...), next, nil
}

// pageQuery runs one page query: the cards matching cond, in order, at most
// limit, with the cursor of the last one. keyArgs are bound in the SELECT
// list, args in cond and orderArgs in the ORDER BY.
func (v view) pageQuery(ctx context.Context, keys []string, keyArgs []any, cond string, args []any,
	order string, orderArgs []any, limit int) ([]data.Card, data.Cursor, error) {
	var q strings.Builder
	q.WriteString("SELECT " + cardColumns)
	for _, k := range keys {
		q.WriteString(", " + k)
	}
	from := cardFrom
	if v.serialWalk {
		from = cardFromSerial
	}
	q.WriteString(from + " WHERE " + cond + " ORDER BY " + order + " LIMIT ?")
	all := append(append(append(append([]any{}, keyArgs...), args...), orderArgs...), limit)
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
	now := v.now
	keys, keyArgs := sortKeys(o, now)
	scale, err := amountScale(ctx, v.q, f)
	if err != nil {
		return nil, err
	}
	where, args := where(f, now, scale)
	if o.Column == data.ColStatus || o.Column == data.ColReseller {
		return v.idsGroups(ctx, o, where, args, now)
	}
	q := "SELECT c.id FROM cards c WHERE " + where + " ORDER BY " + orderBy(o, keys)
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
	js, _ := json.Marshal(ids)
	q := "SELECT " + cardColumns + " FROM json_each(?) j CROSS JOIN cards c ON c.id = j.value LEFT JOIN resellers r ON r.id = c.reseller_id ORDER BY j.key"
	rows, err := s.db.QueryContext(ctx, q, string(js))
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
