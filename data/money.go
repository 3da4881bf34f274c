package data

import (
	"strings"

	"github.com/bojanz/currency"
)

// Money is an amount as an integer count of the currency's minor units
// (ISO 4217: cents for USD, yen for JPY, fils for KWD) plus the currency's
// ISO 4217 code. It is never a float.
type Money struct {
	Minor    int64
	Currency string
}

// MaxAmountMajor is the largest face value of one card, in major units of
// its currency (1,000,000 USD, 1,000,000 JPY, 1,000,000 KWD).
const MaxAmountMajor = 1_000_000

// DefaultCurrency is used when none is given.
const DefaultCurrency = "USD"

// BoundDigits is the number of decimals of a search bound on amounts: a
// bound is a count of 1/10,000 of a major unit, the finest any ISO 4217
// currency needs (CLF, UYW), so that one bound applies to cards of every
// currency.
const BoundDigits = 4

// CurrencyDigits is the number of decimals of the currency: its minor
// units per ISO 4217 (from CLDR's data, through github.com/bojanz/currency):
// 0 for JPY and XOF, 2 for USD, 3 for KWD. A code the library does not know
// (a code ISO has retired, in an old file) counts with 2, as all amounts
// did before version 9 of the schema.
func CurrencyDigits(code string) int {
	if d, ok := currency.GetDigits(code); ok {
		return int(d)
	}
	return 2
}

// MaxAmount is MaxAmountMajor in the currency's minor units.
func MaxAmount(code string) int64 { return MaxAmountMajor * pow10(CurrencyDigits(code)) }

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// ParseCurrency checks an ISO 4217 code (case-insensitive) and returns it in
// upper case. An empty code means DefaultCurrency.
func ParseCurrency(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return DefaultCurrency, nil
	}
	if !currency.IsValid(c) {
		return "", errf(ErrInvalid, "currency %q is not an ISO 4217 code; use three letters such as USD or EUR", s)
	}
	return c, nil
}

// Currencies lists the ISO 4217 codes a card can be made in, sorted.
func Currencies() []string { return currency.GetCurrencyCodes() }

// String writes the amount plainly, as the command line and the history do:
// "8.00 USD", "500 JPY", "0.500 KWD" (Plain.Amount).
func (m Money) String() string { return Plain.Amount(m) }

// ToBound turns m into the units of a search bound (BoundDigits decimals):
// 8.00 USD and 8 JPY are both 80000.
func (m Money) ToBound() int64 {
	d := CurrencyDigits(m.Currency)
	if d >= BoundDigits {
		return m.Minor / pow10(d-BoundDigits)
	}
	return m.Minor * pow10(BoundDigits-d)
}

// FormatBound writes a search bound plainly, without trailing zeros: 80000
// -> "8", 85000 -> "8.5".
func FormatBound(v int64) string {
	whole, frac, _ := strings.Cut(plainDecimal(v, BoundDigits), ".")
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		return whole + "." + frac
	}
	return whole
}
