package data

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// PIN lengths a batch may use.
const (
	MinPINLength     = 5
	MaxPINLength     = 20
	DefaultPINLength = 12
)

// DigitSource hands out uniformly distributed decimal digits read from
// crypto/rand. Bytes of 250 and above are thrown away (rejection sampling),
// so every digit has probability exactly 1/10: no modulo bias.
type DigitSource struct {
	buf [8192]byte
	pos int
	n   int
}

func (d *DigitSource) digit() (byte, error) {
	for {
		if d.pos >= d.n {
			if _, err := rand.Read(d.buf[:]); err != nil {
				return 0, fmt.Errorf("read random bytes: %w", err)
			}
			d.pos, d.n = 0, len(d.buf)
		}
		b := d.buf[d.pos]
		d.pos++
		if b < 250 {
			return '0' + b%10, nil
		}
	}
}

// PIN returns a new random PIN of length digits; with checkDigit the last
// digit is a Luhn check digit over the others.
func (d *DigitSource) PIN(length int, checkDigit bool) (string, error) {
	b := make([]byte, length)
	random := length
	if checkDigit {
		random--
	}
	for i := 0; i < random; i++ {
		c, err := d.digit()
		if err != nil {
			return "", err
		}
		b[i] = c
	}
	if checkDigit {
		b[length-1] = luhnDigit(b[:random])
	}
	return string(b), nil
}

// luhnDigit computes the Luhn check digit for the digits in payload.
func luhnDigit(payload []byte) byte {
	sum := 0
	double := true // the digit next to the check digit is doubled
	for i := len(payload) - 1; i >= 0; i-- {
		v := int(payload[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// LuhnValid reports whether the last digit of pin is its Luhn check digit.
func LuhnValid(pin string) bool {
	if len(pin) < 2 {
		return false
	}
	return luhnDigit([]byte(pin[:len(pin)-1])) == pin[len(pin)-1]
}

// NormalizePIN removes spaces and dashes that people type between groups and
// checks that only digits remain.
func NormalizePIN(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", errf(ErrInvalid, "PIN %q may contain only digits (spaces and dashes are ignored)", s)
		}
	}
	p := b.String()
	if p == "" {
		return "", errf(ErrInvalid, "PIN is empty; type the digits printed on the card")
	}
	if len(p) > MaxPINLength {
		return "", errf(ErrInvalid, "PIN %q has %d digits; a PIN has at most %d", s, len(p), MaxPINLength)
	}
	return p, nil
}

// GroupPIN writes a PIN in groups of four as printed: "4524 2829 3854".
func GroupPIN(pin string) string {
	if len(pin) <= 4 {
		return pin
	}
	var b strings.Builder
	for i := 0; i < len(pin); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		end := min(i+4, len(pin))
		b.WriteString(pin[i:end])
	}
	return b.String()
}

// MaskPIN shows only the last four digits of pin, in the grouping of
// GroupPIN: "•••• •••• 1644". The history, print runs and searches in words
// never hold more of a PIN than this.
func MaskPIN(pin string) string {
	var b strings.Builder
	for i, r := range pin {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		if i < len(pin)-4 {
			b.WriteString("•")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pinInText is a PIN as texts write it: "PIN " and digits in groups.
var pinInText = regexp.MustCompile(`PIN (\d[\d -]*\d)`)

// MaskPINs masks every PIN written in text as "PIN 1234 5678 9012".
func MaskPINs(text string) string {
	if !strings.Contains(text, "PIN ") {
		return text
	}
	return pinInText.ReplaceAllStringFunc(text, func(m string) string {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		return "PIN " + MaskPIN(digits)
	})
}

// Serial identifies a card: a series code and a number within the series.
type Serial struct {
	Series string
	Number int64
}

// MaxSerialNumber is the largest number a series can reach (nine digits).
const MaxSerialNumber = 999_999_999

// String writes the serial as printed: "3-000000001".
func (s Serial) String() string { return FormatSerial(s.Series, s.Number) }

// FormatSerial writes SERIES-NNNNNNNNN.
func FormatSerial(series string, number int64) string {
	return series + "-" + fmt.Sprintf("%09d", number)
}

// ParseSeries checks a series code: 1 to 10 letters or digits. It returns it
// in upper case.
func ParseSeries(s string) (string, error) {
	t := strings.TrimSpace(s)
	// Check before upper-casing: ToUpper maps "ı" to "I" and "ſ" to "S".
	for _, r := range t {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return "", errf(ErrInvalid, "series %s may contain only letters A-Z and digits", Quote(s))
		}
	}
	t = strings.ToUpper(t)
	if t == "" {
		return "", errf(ErrInvalid, "series is empty; give 1 to 10 letters or digits, such as 101")
	}
	if len(t) > 10 {
		return "", errf(ErrInvalid, "series %s is longer than 10 characters", Quote(s))
	}
	return t, nil
}

// ParseSerial reads "SERIES-NUMBER" (the number need not be zero-padded).
// With only a series ("3"), upper chooses the end of that series: the
// number is 0 for a lower bound and MaxSerialNumber for an upper one.
func ParseSerial(s string, upper bool) (Serial, error) {
	t := strings.TrimSpace(s)
	series, num, hasNum := strings.Cut(t, "-")
	ser, err := ParseSeries(series)
	if err != nil {
		return Serial{}, fmt.Errorf("serial %q: %w", s, err)
	}
	if !hasNum {
		if upper {
			return Serial{ser, MaxSerialNumber}, nil
		}
		return Serial{ser, 0}, nil
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > MaxSerialNumber || strings.HasPrefix(num, "+") {
		return Serial{}, errf(ErrInvalid, "serial %q: the part after the dash must be a number of up to nine digits, as in 3-000000001", s)
	}
	return Serial{ser, n}, nil
}
