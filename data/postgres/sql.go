package postgres

import (
	"database/sql"
	"strings"
	"time"
)

// statusSQL is the SQL twin of Card.StatusAt (0 new, 1 activated, 2
// expired, 3 blocked); the caller binds now once per use.
const statusSQL = `CASE WHEN c.activated_at IS NOT NULL THEN 1 WHEN c.blocked = 1 THEN 3 ` +
	`WHEN c.expires_at IS NOT NULL AND c.expires_at <= ? THEN 2 ELSE 0 END`

// cardColumns are the columns scanCard reads, in order.
const cardColumns = `c.id, c.series, c.number, c.pin, c.amount, c.currency, coalesce(c.reseller_id, 0),
	coalesce(r.name, ''), c.batch_id, c.expires_at, c.created_at, c.activated_at, coalesce(c.activated_by, ''), c.blocked = 1, c.printed`

const cardFrom = ` FROM cards c LEFT JOIN resellers r ON r.id = c.reseller_id`

func scanCard(sc interface{ Scan(...any) error }) (Card, error) {
	var c Card
	var expires, activated sql.NullInt64
	var created int64
	err := sc.Scan(&c.ID, &c.Serial.Series, &c.Serial.Number, &c.PIN, &c.Amount.Minor, &c.Amount.Currency,
		&c.ResellerID, &c.Reseller, &c.BatchID, &expires, &created, &activated, &c.ActivatedBy, &c.Blocked, &c.Printed)
	if err != nil {
		return Card{}, err
	}
	c.CreatedAt = time.Unix(created, 0).UTC()
	if expires.Valid {
		c.ExpiresAt = time.Unix(expires.Int64, 0).UTC()
	}
	if activated.Valid {
		c.ActivatedAt = time.Unix(activated.Int64, 0).UTC()
	}
	return c, nil
}

// statusCond is the one SQL condition over cards c that selects the cards
// of status st at time now (the twin of Card.StatusAt).
func statusCond(st Status, now time.Time) (string, []any) {
	n := now.Unix()
	switch st {
	case StatusNew:
		return "c.activated_at IS NULL AND c.blocked = 0 AND (c.expires_at IS NULL OR c.expires_at > ?)", []any{n}
	case StatusActivated:
		return "coalesce(c.activated_at, 0) > 0", nil // the expression of index cards_activated_at
	case StatusExpired:
		return "c.activated_at IS NULL AND c.blocked = 0 AND c.expires_at <= ?", []any{n}
	case StatusBlocked:
		return "c.activated_at IS NULL AND c.blocked = 1", nil
	}
	return "true", nil
}

// where turns f into one SQL condition over cards c (joined with resellers
// r) with ? placeholders, evaluated at time now.
func where(f Filter, now time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.SerialFrom != nil {
		add("(c.series, c.number) >= (?, ?)", f.SerialFrom.Series, f.SerialFrom.Number)
	}
	if f.SerialTo != nil {
		add("(c.series, c.number) <= (?, ?)", f.SerialTo.Series, f.SerialTo.Number)
	}
	if f.PIN != "" {
		add("c.pin = ?", f.PIN)
	}
	if f.Status != "" {
		cond, a := statusCond(f.Status, now)
		add(cond, a...)
	}
	if f.Reseller != "" {
		// Spaces are tidied as when the name was stored (cleanName).
		add("c.reseller_id = (SELECT id FROM resellers WHERE name_key = casefold(?))", strings.Join(strings.Fields(f.Reseller), " "))
	}
	if f.AmountFrom != nil || f.AmountTo != nil {
		// Bounds in any currency, amounts in each card's minor units.
		cond, a := AmountSQL(f.AmountFrom, f.AmountTo, 0) // each card's own scale
		add(cond, a...)
	}
	if !f.ExpiryFrom.IsZero() {
		add("coalesce(c.expires_at, 0) >= ?", max(f.ExpiryFrom.Unix(), 1))
	}
	if !f.ExpiryTo.IsZero() {
		add("coalesce(c.expires_at, 0) BETWEEN 1 AND ?", f.ExpiryTo.Unix())
	}
	if f.Client != "" {
		// containsfold written as a LIKE of the text with its wildcards
		// escaped: the trigram index cards_client_trgm serves it.
		add(`c.activated_by IS NOT NULL AND lower(c.activated_by) LIKE
			'%' || replace(replace(replace(lower(?), '\', '\\'), '%', '\%'), '_', '\_') || '%'`, f.Client)
	}
	if !f.ActivatedFrom.IsZero() {
		add("coalesce(c.activated_at, 0) >= ?", max(f.ActivatedFrom.Unix(), 1))
	}
	if !f.ActivatedTo.IsZero() {
		add("coalesce(c.activated_at, 0) BETWEEN 1 AND ?", f.ActivatedTo.Unix())
	}
	if f.Batch != 0 {
		add("c.batch_id = ?", f.Batch)
	}
	if f.IDs != nil {
		add("c.id = ANY(?::bigint[])", f.IDs)
	}
	switch f.Printed {
	case PrintedYes:
		add("(c.printed > 0) = true")
	case PrintedNo:
		add("(c.printed > 0) = false")
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), args
}

// sortKeys returns the SQL expressions the sort orders by (before the id
// tie breaker) and the arguments they need; they match the indexes.
func sortKeys(s Sort, now time.Time) ([]string, []any) {
	switch s.Column {
	case ColStatus:
		return []string{statusSQL}, []any{now.Unix()}
	case ColAmount:
		return []string{"c.amount"}, nil
	case ColCurrency:
		return []string{"c.currency"}, nil
	case ColPIN:
		return []string{"c.pin"}, nil
	case ColReseller:
		return []string{"lower(coalesce(r.name, ''))"}, nil
	case ColExpiresAt:
		return []string{"coalesce(c.expires_at, 0)"}, nil
	case ColActivatedBy:
		return []string{"lower(coalesce(c.activated_by, ''))"}, nil
	case ColActivatedAt:
		return []string{"coalesce(c.activated_at, 0)"}, nil
	case ColCreatedAt:
		return []string{"c.created_at"}, nil
	case ColBatch:
		return []string{"c.batch_id"}, nil
	case ColPrinted:
		return []string{"c.printed"}, nil
	}
	return []string{"c.series", "c.number"}, nil
}

// orderBy returns the ORDER BY list for s.
func orderBy(s Sort, keys []string) string {
	dir := " ASC"
	if s.Desc {
		dir = " DESC"
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + dir + ", ")
	}
	b.WriteString("c.id" + dir)
	return b.String()
}
