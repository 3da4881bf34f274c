package sqlite

import (
	"database/sql/driver"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"topupcards/data"
	"topupcards/data/sqlcore"

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

// cardColumns are the columns scanCard reads, in order.
const cardColumns = `c.id, c.series, c.number, c.pin, c.amount, c.currency, ifnull(c.reseller_id, 0),
	ifnull(r.name, ''), c.batch_id, c.expires_at, c.created_at, c.activated_at, ifnull(c.activated_by, ''), c.blocked, c.printed`

const cardFrom = ` FROM cards c LEFT JOIN resellers r ON r.id = c.reseller_id`

// cardFromSerial is cardFrom read through the serial's index (view.serialWalk).
const cardFromSerial = ` FROM cards c INDEXED BY cards_serial LEFT JOIN resellers r ON r.id = c.reseller_id`

var scanCard = sqlcore.ScanCard

// cardSQL is how this store spells searches and sorts: as the indexes of
// the schema hold them.
var cardSQL = sqlcore.CardSQL{
	IfNull: "ifnull",
	True:   "1",
	False:  "0",
	Fold:   func(expr string) string { return expr + " COLLATE NOCASE" },
	// containsfold: SQLite's own LIKE folds only ASCII letters.
	Client: "c.activated_by IS NOT NULL AND containsfold(c.activated_by, ?)",
	IDs: func(ids []int64) (string, any) {
		list, _ := json.Marshal(ids)
		return "c.id IN (SELECT value FROM json_each(?))", string(list)
	},
}

const statusSQL = sqlcore.StatusSQL

func statusCond(st data.Status, now time.Time) (string, []any) { return cardSQL.Status(st, now) }

// where is cardSQL.Where; scale, when given, is the one scale of the
// file's currencies (amountScale) for an amount search served by the
// amount index.
func where(f data.Filter, now time.Time, scale ...int64) (string, []any) {
	return cardSQL.Where(f, now, append(scale, 0)[0])
}

func sortKeys(s data.Sort, now time.Time) ([]string, []any) { return cardSQL.SortKeys(s, now) }

func orderBy(s data.Sort, keys []string) string { return sqlcore.OrderBy(s, keys) }
