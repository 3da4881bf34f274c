package sqlite

import (
	"strings"
	"time"

	"topupcards/data"
)

// complementCap bounds the complement count (see countBroad): past it the
// search is not broad, and the direct count runs instead. Small, so that a
// search that turns out narrow wastes little.
const complementCap = 20_000

// complement is the SQL condition that holds for exactly the cards f does
// NOT match, written as an OR of terms that each search an index, and true
// when every field of f can be written so. A broad search (amount 5 to 9
// over cards of 8.00) is then counted as all cards less the few outside it:
// a count SQLite keeps per b-tree page, less a few short index ranges,
// instead of a walk over nearly every card.
func complement(f data.Filter, now time.Time, scale int64) (string, []any, bool) {
	if f.PIN != "" || f.Client != "" || f.IDs != nil {
		return "", nil, false // narrow searches: the direct count is quick
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
	if f.Status != "" {
		return "", nil, false // the status is counted apart: see countBroad
	}
	if f.Reseller != "" {
		// No such reseller (-1): every card is outside.
		id := "ifnull((SELECT id FROM resellers WHERE name_key = casefold(?)), -1)"
		name := strings.Join(strings.Fields(f.Reseller), " ")
		add("c.reseller_id IS NULL")
		add("c.reseller_id < "+id, name)
		add("c.reseller_id > "+id, name)
	}
	if f.AmountFrom != nil || f.AmountTo != nil {
		// A file that mixes numbers of decimals (JPY and USD) has no one
		// range of amounts outside the search: count it directly.
		amountTerms, amountArgs, ok := data.AmountComplementSQL(f.AmountFrom, f.AmountTo, scale)
		if !ok {
			return "", nil, false
		}
		terms = append(terms, amountTerms...)
		args = append(args, amountArgs...)
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
	dates("ifnull(c.expires_at, 0)", f.ExpiryFrom, f.ExpiryTo)
	dates("ifnull(c.activated_at, 0)", f.ActivatedFrom, f.ActivatedTo)
	if f.Batch != 0 {
		add("c.batch_id < ?", f.Batch)
		add("c.batch_id > ?", f.Batch)
	}
	switch f.Printed {
	case data.PrintedYes:
		add("(c.printed > 0) = 0")
	case data.PrintedNo:
		add("(c.printed > 0) = 1")
	}
	if len(terms) == 0 {
		return "", nil, false
	}
	return strings.Join(terms, " OR "), args, true
}
