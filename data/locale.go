package data

import (
	"strconv"
	"strings"
	"time"

	"github.com/bojanz/currency"
)

// Locale is how amounts and dates are written for one person: the grouping
// and decimal marks of the locale's numbers (from CLDR, through
// github.com/bojanz/currency), and its numeric date and time order.
//
// Locale.Amount, Locale.Date, Locale.DateTime and Locale.Timestamp are the
// program's only formatters of amounts and dates: the window, the vouchers
// and the command line all call them, each with its locale. The zero Locale
// is Plain.
type Locale struct {
	tag     string              // BCP 47, "" for Plain
	num     *currency.Formatter // nil for Plain
	bound   *currency.Formatter // num without trailing zeros, for search bounds
	decimal string              // the decimal mark: "." or ","
	group   string              // the grouping mark: ",", ".", "\u202f", "'", …
	zero    rune                // the locale's digit zero ('0' for Latin digits)
	date    string              // Go layout of a date, such as "01/02/2006"
	clock   string              // Go layout of a time of day: "15:04" or "3:04 PM"
}

// Plain is the locale of the command line and CSV files: ISO dates
// (2027-01-31 18:00) and amounts without grouping, with the currency's own
// number of decimals (1234.50 USD, 500 JPY, 0.500 KWD).
var Plain = Locale{}

// DefaultLocaleTag is the locale used when the system names none (or only
// "C" or "POSIX").
const DefaultLocaleTag = "en-US"

// NewLocale returns the locale named by a BCP 47 tag ("de-DE") or a POSIX
// name ("de_DE.UTF-8"). An empty, "C" or "POSIX" name gives
// DefaultLocaleTag; "iso" gives Plain.
func NewLocale(name string) Locale {
	tag := normalizeTag(name)
	if tag == "iso" {
		return Plain
	}
	cl := currency.NewLocale(tag)
	if len(cl.Language) < 2 || len(cl.Language) > 3 || strings.Trim(cl.Language, "abcdefghijklmnopqrstuvwxyz") != "" {
		cl = currency.NewLocale(DefaultLocaleTag) // not a language: the default
	}
	l := Locale{tag: cl.String()}
	l.num = currency.NewFormatter(cl)
	l.num.CurrencyDisplay = currency.DisplayNone
	l.bound = currency.NewFormatter(cl)
	l.bound.CurrencyDisplay = currency.DisplayNone
	l.bound.MinDigits, l.bound.MaxDigits = 0, BoundDigits
	l.readMarks()
	l.date, l.clock = dateLayouts(cl)
	return l
}

// normalizeTag turns "de_DE.UTF-8@euro" into "de-DE"; empty, C and POSIX
// into DefaultLocaleTag.
func normalizeTag(name string) string {
	t := strings.TrimSpace(name)
	if i := strings.IndexAny(t, ".@"); i >= 0 {
		t = t[:i]
	}
	t = strings.ReplaceAll(t, "_", "-")
	switch strings.ToLower(t) {
	case "", "c", "posix":
		return DefaultLocaleTag
	case "iso":
		return "iso"
	}
	return t
}

// readMarks learns the locale's marks and digits from the library's own
// formatting of 1234.50 EUR and 0 JPY.
func (l *Locale) readMarks() {
	a, _ := currency.NewAmount("1234.50", "EUR")
	s := []rune(stripBidi(l.num.Format(a)))
	z, _ := currency.NewAmount("0", "JPY")
	zs := []rune(stripBidi(l.num.Format(z)))
	l.zero = '0'
	if len(zs) == 1 {
		l.zero = zs[0]
	}
	isDigit := func(r rune) bool { return r >= l.zero && r <= l.zero+9 }
	// s is d[group]ddd[decimal]dd: what stands between the digits.
	var marks []string
	var cur []rune
	for _, r := range s {
		if isDigit(r) {
			if len(cur) > 0 {
				marks = append(marks, string(cur))
				cur = nil
			}
			continue
		}
		cur = append(cur, r)
	}
	switch len(marks) {
	case 2:
		l.group, l.decimal = marks[0], marks[1]
	case 1: // no grouping of four digits (es, pl): ask for seven
		l.decimal = marks[0]
		b, _ := currency.NewAmount("1234567", "JPY")
		for _, r := range stripBidi(l.num.Format(b)) {
			if !isDigit(r) {
				l.group = string(r)
				break
			}
		}
	default:
		l.decimal, l.group = ".", ","
	}
}

// stripBidi removes the direction marks some locales put around numbers.
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200e', '\u200f', '\u061c':
			return -1
		}
		return r
	}, s)
}

// Tag is the locale's BCP 47 tag ("de-DE"), or "iso" for Plain.
func (l Locale) Tag() string {
	if l.num == nil {
		return "iso"
	}
	return l.tag
}

// IsPlain reports whether l is Plain.
func (l Locale) IsPlain() bool { return l.num == nil }

// Amount writes m for people in this locale: the number with the locale's
// grouping and decimal marks and the currency's own number of decimals,
// then the ISO code: "1,234.50 USD", "1.234,50 EUR" (de-DE), "5,000 XOF",
// "0.500 KWD"; Plain writes "1234.50 USD". The code, not a symbol, names
// the currency: "$" is the dollar of a dozen countries, and a voucher must
// not leave room for doubt.
func (l Locale) Amount(m Money) string { return l.number(m) + " " + m.Currency }

// Number is Amount without the currency code, as an amount field shows a
// value to edit ("1.234,50"); Plain writes "1234.50".
func (l Locale) Number(m Money) string { return l.number(m) }

func (l Locale) number(m Money) string {
	digits := CurrencyDigits(m.Currency)
	if l.num == nil {
		return plainDecimal(m.Minor, digits)
	}
	code := m.Currency
	if !currency.IsValid(code) { // a retired code in an old file: same digits as EUR
		code = "EUR"
	}
	a, err := currency.NewAmountFromInt64(m.Minor, code)
	if err != nil {
		return plainDecimal(m.Minor, digits)
	}
	return stripBidi(l.num.Format(a))
}

// Bound writes a search bound (1/10,000 of a major unit, Filter.AmountFrom)
// without trailing zeros: "8.5" (en-US), "8,5" (de-DE); Plain writes
// FormatBound's "8.5".
func (l Locale) Bound(v int64) string {
	if l.bound == nil {
		return FormatBound(v)
	}
	a, err := currency.NewAmount(FormatBound(v), "EUR")
	if err != nil {
		return FormatBound(v)
	}
	return stripBidi(l.bound.Format(a))
}

// Count writes a number of cards with the locale's grouping: "1,234"
// (en-US), "1.234" (de-DE); Plain writes "1234".
func (l Locale) Count(n int64) string { return l.number(Money{Minor: n, Currency: "JPY"}) } // JPY: no decimals

// plainDecimal writes minor units with digits decimals: 123450, 2 ->
// "1234.50"; 500, 0 -> "500"; 500, 3 -> "0.500".
func plainDecimal(minor int64, digits int) string {
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign, u = "-", -u
	}
	s := strconv.FormatUint(u, 10)
	if digits == 0 {
		return sign + s
	}
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	return sign + s[:len(s)-digits] + "." + s[len(s)-digits:]
}

// Date writes t's day in local time: "01/31/2027" (en-US), "31.01.2027"
// (de-DE); Plain writes "2027-01-31".
func (l Locale) Date(t time.Time) string { return t.Local().Format(l.dateLayout()) }

// DateTime writes t's day and time of day (minutes) in local time:
// "01/31/2027 6:00 PM", "31.01.2027 18:00"; Plain writes "2027-01-31 18:00".
func (l Locale) DateTime(t time.Time) string {
	return t.Local().Format(l.dateLayout() + " " + l.clockLayout())
}

// Timestamp writes t to the second in local time with the offset, for the
// history and the backups: "31.01.2027 18:00:05 +0100"; Plain writes
// "2027-01-31 18:00:05 +0100".
func (l Locale) Timestamp(t time.Time) string {
	clock := strings.Replace(l.clockLayout(), ":04", ":04:05", 1)
	return t.Local().Format(l.dateLayout() + " " + clock + " -0700")
}

// Expiry writes an expiry as a voucher shows it: the day, and the time of
// day too when the card does not run to the end of that day (23:59:59).
func (l Locale) Expiry(t time.Time) string {
	lt := t.Local()
	if lt.Hour() == 23 && lt.Minute() == 59 && lt.Second() == 59 {
		return l.Date(t)
	}
	return l.DateTime(t)
}

func (l Locale) dateLayout() string {
	if l.date == "" {
		return isoDate
	}
	return l.date
}

func (l Locale) clockLayout() string {
	if l.clock == "" {
		return "15:04"
	}
	return l.clock
}

// DateHint says how a date may be typed in this locale: "DD.MM.YYYY or
// YYYY-MM-DD, optionally with a time such as 18:00".
func (l Locale) DateHint() string {
	ex := time.Date(2027, 1, 31, 18, 0, 0, 0, time.Local)
	if l.date == "" || l.date == isoDate {
		return "YYYY-MM-DD (" + ex.Format(isoDate) + "), with a time if needed (" + ex.Format(isoDate+" 15:04") + ")"
	}
	return l.datePattern() + " (" + l.Date(ex) + ") or YYYY-MM-DD (" + ex.Format(isoDate) + "), with a time if needed (" +
		l.DateTime(ex) + ")"
}

// DatePlaceholder is a short example for an empty date field: "DD.MM.YYYY
// or YYYY-MM-DD".
func (l Locale) DatePlaceholder() string {
	if l.date == "" || l.date == isoDate {
		return "YYYY-MM-DD"
	}
	return l.datePattern() + " or YYYY-MM-DD"
}

// datePattern is the locale's date layout in letters: "MM/DD/YYYY".
func (l Locale) datePattern() string {
	return strings.NewReplacer("2006", "YYYY", "01", "MM", "02", "DD").Replace(l.dateLayout())
}
