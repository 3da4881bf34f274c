package sqlite

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"strings"
	"sync"
	"time"
	"topupcards/data"

	"modernc.org/sqlite"
)

// registerFuncs registers the SQL functions the schema and the queries use
// with the driver, once, when the first store opens.
var registerFuncs = sync.OnceFunc(func() {
	// casefold(text): the key reseller names are unique and found by, in
	// every alphabet.
	sqlite.MustRegisterDeterministicScalarFunction("casefold", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, ok := args[0].(string)
			if !ok {
				return args[0], nil
			}
			return strings.ToLower(s), nil
		})
	// mask_pins(text): MaskPINs, for the migration that masks the PINs
	// older versions wrote into the history.
	sqlite.MustRegisterDeterministicScalarFunction("mask_pins", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, ok := args[0].(string)
			if !ok {
				return args[0], nil
			}
			return data.MaskPINs(s), nil
		})
	// currency_digits(code): data.CurrencyDigits, for the migration to each
	// currency's minor units (version 9).
	sqlite.MustRegisterDeterministicScalarFunction("currency_digits", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, _ := args[0].(string)
			return int64(data.CurrencyDigits(s)), nil
		})
	// containsfold(text, needle): case-insensitive substring for any
	// language (SQLite's own LIKE folds only ASCII letters).
	sqlite.MustRegisterDeterministicScalarFunction("containsfold", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			h, _ := args[0].(string)
			n, _ := args[1].(string)
			if args[0] == nil {
				return int64(0), nil
			}
			if strings.Contains(strings.ToLower(h), strings.ToLower(n)) {
				return int64(1), nil
			}
			return int64(0), nil
		})
})

// statusSQL is the SQL twin of Card.StatusAt; ?1-style parameters are not
// used, the caller binds now once per use.
const statusSQL = `CASE WHEN c.activated_at IS NOT NULL THEN 1 WHEN c.blocked = 1 THEN 3 ` +
	`WHEN c.expires_at IS NOT NULL AND c.expires_at <= ? THEN 2 ELSE 0 END`

// cardColumns are the columns scanCard reads, in order.
const cardColumns = `c.id, c.series, c.number, c.pin, c.amount, c.currency, ifnull(c.reseller_id, 0),
	ifnull(r.name, ''), c.batch_id, c.expires_at, c.created_at, c.activated_at, ifnull(c.activated_by, ''), c.blocked, c.printed`

const cardFrom = ` FROM cards c LEFT JOIN resellers r ON r.id = c.reseller_id`

// cardFromSerial is cardFrom read through the serial's index (view.serialWalk).
const cardFromSerial = ` FROM cards c INDEXED BY cards_serial LEFT JOIN resellers r ON r.id = c.reseller_id`

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
		return "ifnull(c.activated_at, 0) > 0", nil // the expression of index cards_activated_at
	case StatusExpired:
		return "c.activated_at IS NULL AND c.blocked = 0 AND c.expires_at <= ?", []any{n}
	case StatusBlocked:
		return "c.activated_at IS NULL AND c.blocked = 1", nil
	}
	return "1", nil
}

// where turns f into one SQL condition over cards c (joined with resellers
// r) with ? placeholders, evaluated at time now. scale is the one scale of
// the file's currencies (amountScale) for an amount search served by the
// amount index; without it (or 0) each card's own scale is checked too.
func where(f Filter, now time.Time, scale ...int64) (string, []any) {
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
		cond, a := AmountSQL(f.AmountFrom, f.AmountTo, append(scale, 0)[0])
		add(cond, a...)
	}
	// Date ranges compare the expressions the indexes hold (ifnull(x, 0)),
	// so that SQLite searches the index; the bound 1 leaves out NULL (none).
	if !f.ExpiryFrom.IsZero() {
		add("ifnull(c.expires_at, 0) >= ?", max(f.ExpiryFrom.Unix(), 1))
	}
	if !f.ExpiryTo.IsZero() {
		add("ifnull(c.expires_at, 0) BETWEEN 1 AND ?", f.ExpiryTo.Unix())
	}
	if f.Client != "" {
		add("c.activated_by IS NOT NULL AND containsfold(c.activated_by, ?)", f.Client)
	}
	if !f.ActivatedFrom.IsZero() {
		add("ifnull(c.activated_at, 0) >= ?", max(f.ActivatedFrom.Unix(), 1))
	}
	if !f.ActivatedTo.IsZero() {
		add("ifnull(c.activated_at, 0) BETWEEN 1 AND ?", f.ActivatedTo.Unix())
	}
	if f.Batch != 0 {
		add("c.batch_id = ?", f.Batch)
	}
	if f.IDs != nil {
		ids, _ := json.Marshal(f.IDs)
		add("c.id IN (SELECT value FROM json_each(?))", string(ids))
	}
	// The expression of index cards_printed_serial: either answer, most
	// cards or few, comes out of it in serial order.
	switch f.Printed {
	case PrintedYes:
		add("(c.printed > 0) = 1")
	case PrintedNo:
		add("(c.printed > 0) = 0")
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

// keys returns the SQL expressions the sort orders by (before the id tie
// breaker) and the arguments they need. They match the indexes of the
// schema, so keyset paging walks an index instead of sorting.
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
		return []string{"ifnull(r.name, '') COLLATE NOCASE"}, nil
	case ColExpiresAt:
		return []string{"ifnull(c.expires_at, 0)"}, nil
	case ColActivatedBy:
		return []string{"ifnull(c.activated_by, '') COLLATE NOCASE"}, nil
	case ColActivatedAt:
		return []string{"ifnull(c.activated_at, 0)"}, nil
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
