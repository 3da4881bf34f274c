package data

import (
	"strings"
	"time"
)

// ParseAmount reads a face value in the currency cur as the command line
// takes it: "8", "8.5", "8.00", "1,000.00", "500" (JPY), "0.500" (KWD). It
// is Plain.ParseAmount.
func ParseAmount(s, cur string) (int64, error) { return Plain.ParseAmount(s, cur) }

// ParseAmountBound reads a search bound as the command line takes it
// (Plain.ParseAmountBound).
func ParseAmountBound(s string) (int64, error) { return Plain.ParseAmountBound(s) }

// ParseAmount reads a face value in the currency cur, written with this
// locale's marks ("1.234,50" in de-DE) or, in Plain, as 1234.50 or 1,234.50.
// It allows at most the currency's decimals (none for JPY or XOF, three
// for KWD) and no sign; the value must be more than 0 and at most
// MaxAmountMajor. The result is in cur's minor units. Errors wrap
// ErrInvalid.
func (l Locale) ParseAmount(s, cur string) (int64, error) {
	digits := CurrencyDigits(cur)
	minor, err := l.parseDecimal(s, digits, func(n int) string {
		switch n {
		case 0:
			return cur + " has no decimals; write a whole number"
		case 1:
			return cur + " has one decimal"
		}
		return cur + " has " + [...]string{"", "", "two", "three", "four"}[min(n, 4)] + " decimals"
	}, Money{Minor: 8 * pow10(digits), Currency: cur})
	if err != nil {
		return 0, err
	}
	if minor <= 0 {
		return 0, errf(ErrInvalid, "amount %q must be more than 0", s)
	}
	if max := MaxAmount(cur); minor > max {
		return 0, errf(ErrInvalid, "amount %q is more than %s, the largest face value of one card", s,
			l.Amount(Money{max, cur}))
	}
	return minor, nil
}

// ParseAmountBound reads a search bound on amounts ("5", "8.50"), written
// with this locale's marks, into 1/10,000 of a major unit (BoundDigits):
// the bound applies to cards of every currency. Zero is allowed. Errors
// wrap ErrInvalid.
func (l Locale) ParseAmountBound(s string) (int64, error) {
	v, err := l.parseDecimal(s, BoundDigits, func(int) string { return "a search amount has at most four decimals" },
		Money{Minor: 800, Currency: "USD"})
	if err != nil {
		return 0, err
	}
	if v > MaxAmountMajor*pow10(BoundDigits) {
		return 0, errf(ErrInvalid, "amount %q is more than %s, the largest face value of a card", s,
			l.Number(Money{MaxAmountMajor, "JPY"}))
	}
	return v, nil
}

// parseDecimal reads an unsigned decimal with at most digits decimals,
// written with l's decimal mark and, between groups of three digits, its
// grouping mark (Plain: "." and ","). tooMany says why more decimals are
// refused; example is the value the error messages show.
func (l Locale) parseDecimal(s string, digits int, tooMany func(int) string, example Money) (int64, error) {
	dec, grp := l.decimal, l.group
	if l.num == nil {
		dec, grp = ".", ","
	}
	bad := func(why string) (int64, error) {
		return 0, errf(ErrInvalid, "amount %q %s; write it like %s", s, why, l.Number(example))
	}
	t := strings.TrimSpace(stripBidi(s))
	t = l.latinDigits(t)
	if t == "" {
		return bad("is empty")
	}
	intPart, frac, hasDot := strings.Cut(t, dec)
	if hasDot && len(frac) == 0 {
		return bad("ends with a decimal mark")
	}
	if hasDot && digits == 0 {
		return 0, errf(ErrInvalid, "amount %q: %s such as %s", s, tooMany(0), l.Number(example))
	}
	// Grouping marks are allowed only between groups of three; a space
	// stands for the locale's narrow or no-break space.
	if grp != "" {
		spaceGroup := strings.TrimSpace(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(grp)) == ""
		if spaceGroup {
			intPart = strings.NewReplacer("\u00a0", grp, "\u202f", grp, " ", grp).Replace(intPart)
		}
		if strings.Contains(intPart, grp) {
			groups := strings.Split(intPart, grp)
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
	for _, r := range frac {
		if r < '0' || r > '9' {
			return bad("is not a number")
		}
	}
	if len(frac) > digits {
		return 0, errf(ErrInvalid, "amount %q: %s, such as %s", s, tooMany(digits), l.Number(example))
	}
	for i := range digits {
		v *= 10
		if i < len(frac) {
			v += int64(frac[i] - '0')
		}
	}
	return v, nil
}

// latinDigits turns the locale's own digits (Arabic-Indic, Devanagari, …)
// into 0-9.
func (l Locale) latinDigits(s string) string {
	if l.zero == 0 || l.zero == '0' {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= l.zero && r <= l.zero+9 {
			return '0' + (r - l.zero)
		}
		return r
	}, s)
}

// ParseDate reads a date as the command line takes it (Plain.ParseDate).
func ParseDate(s string, endOfDay bool, loc *time.Location) (time.Time, error) {
	return Plain.ParseDate(s, endOfDay, loc)
}

// ParseDate reads a date, with or without a time of day, in loc (nil:
// local time). It accepts the locale's own order ("31.01.2027", "1/31/2027
// 6:00 PM") and always ISO 8601 ("2027-01-31", "2027-01-31 18:00",
// "2027-01-31T18:00"). A bare date means the start of that day, or with
// endOfDay its last second (an expiry date is valid all that day). Errors
// wrap ErrInvalid and name the formats accepted.
func (l Locale) ParseDate(s string, endOfDay bool, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	t := l.latinDigits(strings.TrimSpace(s))
	var dates []string
	if l.date != "" && l.date != isoDate {
		dates = append(dates, loose(l.date))
	}
	dates = append(dates, isoDate)
	for _, d := range dates {
		if v, err := time.ParseInLocation(d, t, loc); err == nil {
			if endOfDay {
				return v.AddDate(0, 0, 1).Add(-time.Second), nil
			}
			return v, nil
		}
		for _, clock := range []string{"15:04", "3:04 PM", "3:04PM"} {
			for _, sep := range []string{" ", "T"} {
				if d != isoDate && sep == "T" {
					continue
				}
				if v, err := time.ParseInLocation(d+sep+clock, strings.ToUpper(t), loc); err == nil {
					return v, nil
				}
			}
		}
	}
	return time.Time{}, errf(ErrInvalid, "date %q: write it as %s", s, l.DateHint())
}

// loose is a date layout that also takes days and months of one digit.
func loose(layout string) string {
	return strings.NewReplacer("01", "1", "02", "2").Replace(layout)
}
