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

// AmountSQL is the condition over cards c of an amount search between from
// and to (nil: open), bounds in 1/10,000 of a major unit.
func AmountSQL(from, to *int64) (string, []any) {
	lo, hi := int64(0), maxBound
	if from != nil {
		lo = *from
	}
	if to != nil {
		hi = *to
	}
	cond := "c.amount BETWEEN (SELECT min((CAST(? AS BIGINT) + s.p - 1) / s.p) FROM " + batchScales + ")" +
		" AND (SELECT max(CAST(? AS BIGINT) / s.p) FROM " + batchScales + ")" +
		" AND ((SELECT count(*) FROM " + batchScales + ") = 1 OR c.amount * " + cardScale + " BETWEEN CAST(? AS BIGINT) AND CAST(? AS BIGINT))"
	return cond, []any{lo, hi, lo, hi}
}

// AmountScalesSQL counts the numbers of decimals the file's currencies
// have (1 for a file of USD and EUR, 2 once JPY joins them).
var AmountScalesSQL = "SELECT count(*) FROM " + batchScales

// AmountComplementSQL are terms whose OR holds for the cards c outside an
// amount search (see AmountSQL), each a range of the amount index. They
// are exact only in a file whose currencies share one number of decimals
// (AmountScalesSQL counts 1): elsewhere count the search directly.
func AmountComplementSQL(from, to *int64) ([]string, []any) {
	var terms []string
	var args []any
	if from != nil {
		terms = append(terms, "c.amount < (SELECT min((CAST(? AS BIGINT) + s.p - 1) / s.p) FROM "+batchScales+")")
		args = append(args, *from)
	}
	if to != nil {
		terms = append(terms, "c.amount > (SELECT max(CAST(? AS BIGINT) / s.p) FROM "+batchScales+")")
		args = append(args, *to)
	}
	return terms, args
}
