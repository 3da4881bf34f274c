package sqlcore

import (
	"database/sql"
	"strings"
	"time"

	"topupcards/data"
)

// StatusSQL is the SQL twin of Card.StatusAt over cards c (0 new, 1
// activated, 2 expired, 3 blocked); the caller binds now once per use.
const StatusSQL = `CASE WHEN c.activated_at IS NOT NULL THEN 1 WHEN c.blocked = 1 THEN 3 ` +
	`WHEN c.expires_at IS NOT NULL AND c.expires_at <= ? THEN 2 ELSE 0 END`

// CardSQL is how a store spells searches and sorts over cards c (LEFT JOIN
// resellers r). The spellings differ where a store's indexes hold an
// expression: a condition must be written as its index is for the
// database to use it.
type CardSQL struct {
	// IfNull names the function of "x, or 0 when NULL" the indexes hold:
	// ifnull (SQLite) or coalesce.
	IfNull string
	// True and False are the boolean literals: 1 and 0, or true and false.
	True, False string
	// Fold sorts a text expression without regard to case, as its index
	// does.
	Fold func(expr string) string
	// Client is the condition of a client search, with one ? for the text
	// (a case-insensitive substring in any alphabet).
	Client string
	// IDs is the condition of a list of card ids, and its one argument.
	IDs func(ids []int64) (string, any)
}

// null0 is x, or 0 where x is NULL, spelled as the indexes hold it.
func (d CardSQL) null0(x string) string { return d.IfNull + "(" + x + ", 0)" }

// Status is the one SQL condition over cards c that selects the cards of
// status st at time now (the twin of Card.StatusAt).
func (d CardSQL) Status(st data.Status, now time.Time) (string, []any) {
	n := now.Unix()
	switch st {
	case data.StatusNew:
		return "c.activated_at IS NULL AND c.blocked = 0 AND (c.expires_at IS NULL OR c.expires_at > ?)", []any{n}
	case data.StatusActivated:
		return d.null0("c.activated_at") + " > 0", nil // the expression of index cards_activated_at
	case data.StatusExpired:
		return "c.activated_at IS NULL AND c.blocked = 0 AND c.expires_at <= ?", []any{n}
	case data.StatusBlocked:
		return "c.activated_at IS NULL AND c.blocked = 1", nil
	}
	return d.True, nil
}

// Where turns f into one SQL condition over cards c (joined with resellers
// r) with ? placeholders, evaluated at time now. scale is the one scale of
// the store's currencies for an amount search served by the amount index;
// 0 checks each card's own scale too (data.AmountSQL).
func (d CardSQL) Where(f data.Filter, now time.Time, scale int64) (string, []any) {
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
		cond, a := d.Status(f.Status, now)
		add(cond, a...)
	}
	if f.Reseller != "" {
		// Spaces are tidied as when the name was stored (data.CleanName).
		add("c.reseller_id = (SELECT id FROM resellers WHERE name_key = casefold(?))", strings.Join(strings.Fields(f.Reseller), " "))
	}
	if f.AmountFrom != nil || f.AmountTo != nil {
		// Bounds in any currency, amounts in each card's minor units.
		cond, a := data.AmountSQL(f.AmountFrom, f.AmountTo, scale)
		add(cond, a...)
	}
	// Date ranges compare the expressions the indexes hold (x or 0), so
	// that the database searches the index; the bound 1 leaves out NULL
	// (none).
	if !f.ExpiryFrom.IsZero() {
		add(d.null0("c.expires_at")+" >= ?", max(f.ExpiryFrom.Unix(), 1))
	}
	if !f.ExpiryTo.IsZero() {
		add(d.null0("c.expires_at")+" BETWEEN 1 AND ?", f.ExpiryTo.Unix())
	}
	if f.Client != "" {
		add(d.Client, f.Client)
	}
	if !f.ActivatedFrom.IsZero() {
		add(d.null0("c.activated_at")+" >= ?", max(f.ActivatedFrom.Unix(), 1))
	}
	if !f.ActivatedTo.IsZero() {
		add(d.null0("c.activated_at")+" BETWEEN 1 AND ?", f.ActivatedTo.Unix())
	}
	if f.Batch != 0 {
		add("c.batch_id = ?", f.Batch)
	}
	if f.IDs != nil {
		cond, a := d.IDs(f.IDs)
		add(cond, a)
	}
	// The expression of index cards_printed_serial: either answer, most
	// cards or few, comes out of it in serial order.
	switch f.Printed {
	case data.PrintedYes:
		add("(c.printed > 0) = " + d.True)
	case data.PrintedNo:
		add("(c.printed > 0) = " + d.False)
	}
	if len(conds) == 0 {
		return d.True, nil
	}
	return strings.Join(conds, " AND "), args
}

// SortKeys returns the SQL expressions sort s orders by (before the id tie
// breaker) at time now, and the arguments they need. They match the
// indexes, so keyset paging walks an index instead of sorting.
func (d CardSQL) SortKeys(s data.Sort, now time.Time) ([]string, []any) {
	switch s.Column {
	case data.ColStatus:
		return []string{StatusSQL}, []any{now.Unix()}
	case data.ColAmount:
		return []string{"c.amount"}, nil
	case data.ColCurrency:
		return []string{"c.currency"}, nil
	case data.ColPIN:
		return []string{"c.pin"}, nil
	case data.ColReseller:
		return []string{d.Fold(d.IfNull + "(r.name, '')")}, nil
	case data.ColExpiresAt:
		return []string{d.null0("c.expires_at")}, nil
	case data.ColActivatedBy:
		return []string{d.Fold(d.IfNull + "(c.activated_by, '')")}, nil
	case data.ColActivatedAt:
		return []string{d.null0("c.activated_at")}, nil
	case data.ColCreatedAt:
		return []string{"c.created_at"}, nil
	case data.ColBatch:
		return []string{"c.batch_id"}, nil
	case data.ColPrinted:
		return []string{"c.printed"}, nil
	}
	return []string{"c.series", "c.number"}, nil
}

// OrderBy returns the ORDER BY list of s over keys (SortKeys), the card id
// last.
func OrderBy(s data.Sort, keys []string) string {
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

// ScanCard reads one card from a row of a store's card columns, in the
// order id, series, number, pin, amount, currency, reseller id (0: none),
// reseller name, batch, expiry (NULL: none), created, activated (NULL:
// not), activated by, blocked, printed.
func ScanCard(sc interface{ Scan(...any) error }) (data.Card, error) {
	var c data.Card
	var expires, activated sql.NullInt64
	var created int64
	err := sc.Scan(&c.ID, &c.Serial.Series, &c.Serial.Number, &c.PIN, &c.Amount.Minor, &c.Amount.Currency,
		&c.ResellerID, &c.Reseller, &c.BatchID, &expires, &created, &activated, &c.ActivatedBy, &c.Blocked, &c.Printed)
	if err != nil {
		return data.Card{}, err
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
