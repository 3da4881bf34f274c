package data

import (
	"fmt"
	"strings"
)

// Money is an amount as an integer count of minor units (cents) plus an
// ISO 4217 currency code. It is never a float.
type Money struct {
	Minor    int64
	Currency string
}

// MaxAmountMajor is the largest face value of one card, in major units.
const MaxAmountMajor = 1_000_000

// DefaultCurrency is used when none is given.
const DefaultCurrency = "USD"

// isoCurrencies lists the active ISO 4217 codes. Cards store amounts with two
// decimals, as the seed's billing platform shows them ("8.00 USD").
var isoCurrencies = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
	BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
	FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
	KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
	NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE
	SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF
	XCD XCG XOF XPF YER ZAR ZMW ZWG`) {
		m[c] = true
	}
	return m
}()

// ParseCurrency checks an ISO 4217 code (case-insensitive) and returns it in
// upper case. An empty code means DefaultCurrency.
func ParseCurrency(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return DefaultCurrency, nil
	}
	if !isoCurrencies[c] {
		return "", errf(ErrInvalid, "currency %q is not an ISO 4217 code; use three letters such as USD or EUR", s)
	}
	return c, nil
}

// ParseAmount reads a face value such as "8", "8.5", "8.00" or "1,000.00"
// into minor units. It allows at most two decimals and no sign; the value
// must be between 0.01 and MaxAmountMajor.
func ParseAmount(s string) (int64, error) {
	minor, err := parseMinor(s)
	if err != nil {
		return 0, err
	}
	if minor <= 0 {
		return 0, errf(ErrInvalid, "amount %q must be more than 0", s)
	}
	if minor > MaxAmountMajor*100 {
		return 0, errf(ErrInvalid, "amount %q is more than %s, the largest face value of one card", s, FormatMinor(MaxAmountMajor*100))
	}
	return minor, nil
}

// ParseAmountBound is ParseAmount for a search bound: zero is allowed.
func ParseAmountBound(s string) (int64, error) {
	minor, err := parseMinor(s)
	if err != nil {
		return 0, err
	}
	if minor > MaxAmountMajor*100 {
		return 0, errf(ErrInvalid, "amount %q is more than %s, the largest face value of a card", s, FormatMinor(MaxAmountMajor*100))
	}
	return minor, nil
}

func parseMinor(s string) (int64, error) {
	t := strings.TrimSpace(s)
	bad := func(why string) (int64, error) {
		return 0, errf(ErrInvalid, "amount %q %s; write it like 8.00", s, why)
	}
	if t == "" {
		return bad("is empty")
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	if hasDot && len(frac) == 0 {
		return bad("ends with a decimal point")
	}
	if len(frac) > 2 {
		return bad("has more than two decimals")
	}
	// Thousands separators are allowed only in groups of three.
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return bad("has misplaced thousands separators")
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return bad("has misplaced thousands separators")
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" {
		intPart = "0"
	}
	if len(intPart) > 12 {
		return bad("is too large")
	}
	var v int64
	for _, r := range intPart {
		if r < '0' || r > '9' {
			return bad("is not a number")
		}
		v = v*10 + int64(r-'0')
	}
	for i := 0; i < 2; i++ {
		v *= 10
		if i < len(frac) {
			r := frac[i]
			if r < '0' || r > '9' {
				return bad("is not a number")
			}
			v += int64(r - '0')
		}
	}
	return v, nil
}

// FormatMinor writes minor units with two decimals: 800 -> "8.00".
func FormatMinor(minor int64) string {
	sign := ""
	if minor < 0 {
		sign = "-"
		minor = -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// String writes the amount as the seed does: "8.00 USD".
func (m Money) String() string { return FormatMinor(m.Minor) + " " + m.Currency }

// Display writes the amount for people, with thousands separators:
// "1,234,567.00 USD".
func (m Money) Display() string {
	s := FormatMinor(m.Minor)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	return sign + b.String() + "." + frac + " " + m.Currency
}
