package data

import (
	"sort"
	"strconv"
	"strings"

	"github.com/bojanz/currency"
)

// The SQL of an amount search, shared by the backends (standard SQL: both
// SQLite and PostgreSQL run it as it is).
//
// A search bound (Filter.AmountFrom, AmountTo) counts 1/10,000 of a major
// unit in any currency, while a card stores its amount in its currency's
// minor units: 8.00 USD is 800, 8 JPY is 8, 8.000 KWD is 8000. A card's
// amount times its currency's scale (100 for USD, 10,000 for JPY, 10 for
// KWD) is its face value in bound units. A file whose cards share one
// number of decimals (nearly every file) gets a plain range of c.amount,
// which the amount index serves: the bounds are divided by that one scale
// in a subquery over the batches (a few rows). Only a file that mixes,
// say, JPY and USD checks each card's own scale as well.

// scaleSQL is the scale of the currency in column col: CASE col WHEN 'JPY'
// THEN 10000 … ELSE 100 END, written from the library's list of currencies
// (those with two decimals, and codes it does not know, fall to ELSE).
func scaleSQL(col string) string {
	var codes []string
	for _, c := range currency.GetCurrencyCodes() {
		if CurrencyDigits(c) != 2 {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	var b strings.Builder
	b.WriteString("CASE " + col)
	for _, c := range codes {
		b.WriteString(" WHEN '" + c + "' THEN " + strconv.FormatInt(pow10(BoundDigits-CurrencyDigits(c)), 10))
	}
	b.WriteString(" ELSE 100 END")
	return b.String()
}

var (
	cardScale   = scaleSQL("c.currency")
	batchScales = "(SELECT DISTINCT " + scaleSQL("b.currency") + " AS p FROM batches b) s"
)

// maxBound stands for an open upper bound: more than any face value.
const maxBound = int64(1) << 52

// AmountScaleSQL reads the one scale of a file's currencies (100 for a file
// of USD and EUR), or 0 when they mix numbers of decimals (JPY and USD) or
// there are none: the scale argument of AmountSQL.
var AmountScaleSQL = "SELECT CASE WHEN count(*) = 1 THEN max(s.p) ELSE 0 END FROM " + batchScales

// AmountSQL is the condition over cards c of an amount search between from
// and to (nil: open), bounds in 1/10,000 of a major unit. With the file's
// one scale (AmountScaleSQL) it is a plain range of c.amount, which the
// amount index serves; with 0 (currencies that mix numbers of decimals, or
// a caller that did not look) each card's own scale is checked as well.
func AmountSQL(from, to *int64, scale int64) (string, []any) {
	if scale > 0 {
		var conds []string
		var args []any
		if from != nil {
			conds = append(conds, "c.amount >= ?")
			args = append(args, (*from+scale-1)/scale)
		}
		if to != nil {
			conds = append(conds, "c.amount <= ?")
			args = append(args, *to/scale)
		}
		return strings.Join(conds, " AND "), args
	}
	lo, hi := int64(0), maxBound
	if from != nil {
		lo = *from
	}
	if to != nil {
		hi = *to
	}
	// The range of c.amount that any currency's card of the search lies
	// in (the index's part), then each card's face value.
	cond := "c.amount BETWEEN CAST(? AS BIGINT) AND CAST(? AS BIGINT) AND c.amount * " + cardScale +
		" BETWEEN CAST(? AS BIGINT) AND CAST(? AS BIGINT)"
	return cond, []any{(lo + pow10(BoundDigits) - 1) / pow10(BoundDigits), hi, lo, hi}
}

// AmountComplementSQL are terms whose OR holds for exactly the cards c
// outside an amount search, each a range of the amount index, in a file of
// one scale (AmountScaleSQL); with 0 there are none: count such a search
// directly.
func AmountComplementSQL(from, to *int64, scale int64) ([]string, []any, bool) {
	if scale <= 0 {
		return nil, nil, false
	}
	var terms []string
	var args []any
	if from != nil {
		terms = append(terms, "c.amount < ?")
		args = append(args, (*from+scale-1)/scale)
	}
	if to != nil {
		terms = append(terms, "c.amount > ?")
		args = append(args, *to/scale)
	}
	return terms, args, true
}
