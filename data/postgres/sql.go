package postgres

import (
	"time"

	"topupcards/data"
	"topupcards/data/sqlcore"
)

// cardColumns are the columns scanCard reads, in order.
const cardColumns = `c.id, c.series, c.number, c.pin, c.amount, c.currency, coalesce(c.reseller_id, 0),
	coalesce(r.name, ''), c.batch_id, c.expires_at, c.created_at, c.activated_at, coalesce(c.activated_by, ''), c.blocked = 1, c.printed`

const cardFrom = ` FROM cards c LEFT JOIN resellers r ON r.id = c.reseller_id`

var scanCard = sqlcore.ScanCard

// cardSQL is how this store spells searches and sorts: as the indexes of
// the schema hold them.
var cardSQL = sqlcore.CardSQL{
	IfNull: "coalesce",
	True:   "true",
	False:  "false",
	Fold:   func(expr string) string { return "lower(" + expr + ")" },
	// containsfold written as a LIKE of the text with its wildcards
	// escaped: the trigram index cards_client_trgm serves it.
	Client: `c.activated_by IS NOT NULL AND lower(c.activated_by) LIKE
			'%' || replace(replace(replace(lower(?), '\', '\\'), '%', '\%'), '_', '\_') || '%'`,
	IDs: func(ids []int64) (string, any) { return "c.id = ANY(?::bigint[])", ids },
}

const statusSQL = sqlcore.StatusSQL

// where is cardSQL.Where, each card's own scale checked in an amount
// search.
func where(f data.Filter, now time.Time) (string, []any) { return cardSQL.Where(f, now, 0) }

func sortKeys(s data.Sort, now time.Time) ([]string, []any) { return cardSQL.SortKeys(s, now) }

func orderBy(s data.Sort, keys []string) string { return sqlcore.OrderBy(s, keys) }
