package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
)

// complementCap bounds the complement count (see countBroad): past it the
// search is not broad, and the direct count runs instead.
const complementCap = 20_000

// foldAt is how many delta rows of card_count_deltas Count folds into one.
const foldAt = 256

// statusCount is a statement that counts the cards of status st ("" = all
// cards) quickly: the server's kept counts (card_count_deltas), less the
// expired cards (an index range).
func statusCount(st data.Status, now time.Time) (string, []any) {
	const sums = "(SELECT sum(total) AS t, sum(activated) AS a, sum(blocked) AS b FROM card_count_deltas) d"
	expired := "(SELECT count(*) FROM cards c WHERE c.activated_at IS NULL AND c.blocked = 0 AND c.expires_at <= ?)"
	switch st {
	case "":
		return "SELECT coalesce(d.t, 0) FROM " + sums, nil
	case data.StatusActivated:
		return "SELECT coalesce(d.a, 0) FROM " + sums, nil
	case data.StatusBlocked:
		return "SELECT coalesce(d.b, 0) FROM " + sums, nil
	case data.StatusNew:
		return "SELECT coalesce(d.t - d.a - d.b, 0) - " + expired + " FROM " + sums, []any{now.Unix()}
	}
	return "SELECT " + expired, []any{now.Unix()}
}

// complement is the SQL condition that holds for exactly the cards f does
// NOT match (its status aside), written as an OR of terms that each search
// an index, and true when every field of f can be written so (as the SQLite
// store's). A broad search is then counted as the cards of its status less
// the few outside it.
func complement(f data.Filter, now time.Time) (string, []any, bool) {
	if f.PIN != "" || f.Client != "" || f.IDs != nil || f.Status != "" {
		return "", nil, false
	}
	var terms []string
	var args []any
	add := func(cond string, a ...any) {
		terms = append(terms, cond)
		args = append(args, a...)
	}
	if f.SerialFrom != nil {
		add("(c.series, c.number) < (?, ?)", f.SerialFrom.Series, f.SerialFrom.Number)
	}
	if f.SerialTo != nil {
		add("(c.series, c.number) > (?, ?)", f.SerialTo.Series, f.SerialTo.Number)
	}
	if f.Reseller != "" {
		id := "coalesce((SELECT id FROM resellers WHERE name_key = casefold(?)), -1)"
		name := strings.Join(strings.Fields(f.Reseller), " ")
		add("c.reseller_id IS NULL")
		add("c.reseller_id < "+id, name)
		add("c.reseller_id > "+id, name)
	}
	if f.AmountFrom != nil || f.AmountTo != nil {
		// Bounds mean a face value in any currency: no plain range of the
		// amount index lies outside; count such a search otherwise.
		return "", nil, false
	}
	dates := func(expr string, from, to time.Time) {
		if !from.IsZero() {
			add(expr+" < ?", max(from.Unix(), 1))
		}
		if !to.IsZero() {
			add(expr + " < 1")
			add(expr+" > ?", to.Unix())
		}
	}
	dates("coalesce(c.expires_at, 0)", f.ExpiryFrom, f.ExpiryTo)
	dates("coalesce(c.activated_at, 0)", f.ActivatedFrom, f.ActivatedTo)
	if f.Batch != 0 {
		add("c.batch_id < ?", f.Batch)
		add("c.batch_id > ?", f.Batch)
	}
	switch f.Printed {
	case data.PrintedYes:
		add("(c.printed > 0) = false")
	case data.PrintedNo:
		add("(c.printed > 0) = true")
	}
	if len(terms) == 0 {
		return "", nil, false
	}
	return strings.Join(terms, " OR "), args, true
}

// countBroad counts the cards of f's status (statusCount) less those of
// that status outside the rest of f (complement), in one statement. It
// reports false when f cannot be counted so or is not broad.
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
	cond, args, ok := complement(rest, v.now)
	if !ok {
		return 0, false, nil
	}
	st, stArgs := where(data.Filter{Status: f.Status}, v.now)
	q := `SELECT (` + base + `), (SELECT count(*) FROM (SELECT 1 FROM cards c WHERE ` + st + ` AND (` + cond + `) LIMIT ?) x)`
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

// foldCounts folds the delta rows of card_count_deltas into one when there
// are many (a manager's login; a cashier's may not and need not).
func (s *Store) foldCounts(ctx context.Context) {
	if !s.manager {
		return
	}
	var rows, groups int64
	if err := s.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM card_count_deltas), (SELECT count(*) FROM card_group_deltas)").
		Scan(&rows, &groups); err != nil {
		return
	}
	if rows >= foldAt {
		_, _ = s.db.ExecContext(ctx, `WITH gone AS (DELETE FROM card_count_deltas RETURNING *)
			INSERT INTO card_count_deltas SELECT coalesce(sum(total), 0), coalesce(sum(activated), 0), coalesce(sum(blocked), 0) FROM gone`)
	}
	if groups >= 4*foldAt {
		_, _ = s.db.ExecContext(ctx, `WITH gone AS (DELETE FROM card_group_deltas RETURNING *)
			INSERT INTO card_group_deltas (batch_id, reseller_id, amount, currency, activated, blocked, expires_at, printed, n)
			SELECT batch_id, reseller_id, amount, currency, activated, blocked, expires_at, printed, sum(n)
			FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(n) <> 0`)
	}
}

// groupCount counts the cards of a Grouped search from the kept counts per
// group (card_group_deltas, data.GroupSQL), and reports false for any
// other search.
func (v view) groupCount(ctx context.Context, f data.Filter) (int64, bool, error) {
	if !f.Grouped() {
		return 0, false, nil
	}
	n, err := data.GroupCount(ctx, v.q, "card_group_deltas", f, v.now)
	return n, err == nil, err
}
