package data_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"topupcards/data"
)

// The fuzz targets take text as a person types it. `go test` runs their
// seed corpora; `go test -fuzz=FuzzParseAmount ./data/` explores further.

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"8", "8.00", "8.5", "0.01", ".5", "1,000.00", "1,000,000.00", "1000000.01", "0",
		"", "8.", "8.001", "-1", "+1", "1e3", "8,50", "1,00", "999999999999.99", " 12,345.6 ", "٣", "1,,000", "0,001",
		"5000.5", "0.500", "1.234,50", "1 234,50", "1\u202f234,50"} {
		for _, cur := range []string{"USD", "JPY", "KWD"} {
			for _, loc := range []string{"iso", "en-US", "de-DE", "fr-FR"} {
				f.Add(s, cur, loc)
			}
		}
	}
	f.Fuzz(func(t *testing.T, s, cur, tag string) {
		code, err := data.ParseCurrency(cur)
		if err != nil {
			return
		}
		l := data.NewLocale(tag)
		v, err := l.ParseAmount(s, code)
		bound, berr := l.ParseAmountBound(s)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("ParseAmount(%q, %s): error %v is not ErrInvalid", s, code, err)
			}
			return
		}
		// Range respected.
		if v < 1 || v > data.MaxAmount(code) {
			t.Fatalf("ParseAmount(%q, %s) = %d, outside 1 .. %d", s, code, v, data.MaxAmount(code))
		}
		// What the search takes as a bound is the same value.
		m := data.Money{Minor: v, Currency: code}
		if berr != nil || bound != m.ToBound() {
			t.Fatalf("ParseAmountBound(%q) = %d, %v; ParseAmount gave %v (bound %d)", s, bound, berr, m, m.ToBound())
		}
		// Round trip through the locale's own formatting, and Plain's.
		if back, err := l.ParseAmount(l.Number(m), code); err != nil || back != v {
			t.Fatalf("%s: ParseAmount(Number(%v) = %q) = %d, %v", l.Tag(), m, l.Number(m), back, err)
		}
		if back, err := data.ParseAmount(data.Plain.Number(m), code); err != nil || back != v {
			t.Fatalf("ParseAmount(Plain %q) = %d, %v", data.Plain.Number(m), back, err)
		}
		// The value is what the digits say (computed another way): the
		// digits of s in order, scaled by the currency's decimals less those
		// written after the locale's decimal mark.
		dec := strings.Trim(l.Number(data.Money{Minor: 1, Currency: "EUR"}), "0123456789")
		if len([]rune(dec)) != 1 {
			return // a locale with digits of its own
		}
		whole, frac, _ := strings.Cut(strings.TrimSpace(s), dec)
		onlyDigits := func(x string) string {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, x)
		}
		frac = onlyDigits(frac)
		want, perr := strconv.ParseInt(onlyDigits(whole)+frac+strings.Repeat("0", data.CurrencyDigits(code)-len(frac)), 10, 64)
		if perr != nil || want != v {
			t.Fatalf("%s: ParseAmount(%q, %s) = %d, the digits say %d (%v)", l.Tag(), s, code, v, want, perr)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-01-31", "2027-01-31T18:00", "2027-01-31 18:00", " 2027-02-28 ", "2028-02-29",
		"2027-02-29", "2027-13-01", "2027-01-31T24:00", "31/01/2027", "", "0000-01-01", "9999-12-31T23:59", "2027-1-1"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, endOfDay bool) {
		loc := time.FixedZone("UTC+5:30", 5*3600+1800)
		got, err := data.ParseDate(s, endOfDay, loc)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("ParseDate(%q): error %v is not ErrInvalid", s, err)
			}
			return
		}
		if got.Location() != loc || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v: not whole seconds in the given zone", s, got)
		}
		tr := strings.TrimSpace(s)
		switch {
		case len(tr) == len("2006-01-02") && endOfDay:
			// The last second of the day: one second later is midnight.
			next := got.Add(time.Second)
			if next.Hour() != 0 || next.Minute() != 0 || next.Second() != 0 || got.Format("2006-01-02") != tr {
				t.Fatalf("ParseDate(%q, end of day) = %v", s, got)
			}
		default:
			if got.Second() != 0 {
				t.Fatalf("ParseDate(%q) = %v has seconds", s, got)
			}
			// Round trip through the layout people type.
			back, err := data.ParseDate(got.Format("2006-01-02T15:04"), false, loc)
			if err != nil || !back.Equal(got) {
				t.Fatalf("ParseDate(%q) = %v, which reads back as %v, %v", s, got, back, err)
			}
		}
	})
}

func FuzzNormalizePIN(f *testing.F) {
	for _, s := range []string{"4524 2829 3854", "4524-2829-3854", "452428293854", " 0000\t0001 ", "4524\u00a02829", "",
		" - ", "12a4", "123456789012345678901", "١٢٣", "１２３", "12345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := data.NormalizePIN(s)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("NormalizePIN(%q): error %v is not ErrInvalid", s, err)
			}
			return
		}
		if p == "" || len(p) > data.MaxPINLength || strings.Trim(p, "0123456789") != "" {
			t.Fatalf("NormalizePIN(%q) = %q: want 1 to %d digits", s, p, data.MaxPINLength)
		}
		// The digits typed, in order, with only separators dropped.
		kept := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '\t' || r == '\u00a0' {
				return -1
			}
			return r
		}, s)
		if kept != p {
			t.Fatalf("NormalizePIN(%q) = %q, want %q", s, p, kept)
		}
		// Idempotent, and what GroupPIN prints reads back the same.
		if again, err := data.NormalizePIN(p); err != nil || again != p {
			t.Fatalf("NormalizePIN(%q) = %q, %v; not idempotent", p, again, err)
		}
		if back, err := data.NormalizePIN(data.GroupPIN(p)); err != nil || back != p {
			t.Fatalf("NormalizePIN(GroupPIN(%q)) = %q, %v", p, back, err)
		}
	})
}

func FuzzParseSerial(f *testing.F) {
	for _, s := range []string{"3-000000001", "3-1", "a-42", "3", "ABCDEFGHIJ-999999999", "3-1000000000", "3--1", "3-",
		"-5", "", "3-+1", "3-0x1", "ABCDEFGHIJK-1", "ſ-1", "3-1-2"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, upper bool) {
		sr, err := data.ParseSerial(s, upper)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("ParseSerial(%q): error %v is not ErrInvalid", s, err)
			}
			return
		}
		if series, err := data.ParseSeries(sr.Series); err != nil || series != sr.Series {
			t.Fatalf("ParseSerial(%q) = %v: series %q is not a clean series (%v)", s, sr, sr.Series, err)
		}
		if sr.Number < 0 || sr.Number > data.MaxSerialNumber {
			t.Fatalf("ParseSerial(%q) = %v: number out of range", s, sr)
		}
		if !strings.Contains(s, "-") {
			want := int64(0)
			if upper {
				want = data.MaxSerialNumber
			}
			if sr.Number != want {
				t.Fatalf("ParseSerial(%q, %v) = %v: a series-only bound is number %d", s, upper, sr, want)
			}
		}
		// What String prints reads back the same.
		back, err := data.ParseSerial(sr.String(), upper)
		if err != nil || back != sr {
			t.Fatalf("ParseSerial(%q) = %v, which reads back as %v, %v", s, sr, back, err)
		}
	})
}

// FuzzLocaleParseDate: whatever a locale accepts is a whole minute (or the
// end of a day) that the same locale writes and reads back unchanged.
func FuzzLocaleParseDate(f *testing.F) {
	for _, s := range []string{"09/30/2027", "9/30/2027 6:00 PM", "30.09.2027 18:00", "2027-09-30", "2027-09-30T18:00",
		"2027/09/30", "2027. 09. 30.", "31/02/2027", "", "13/13/2027", "1.1.1"} {
		for _, tag := range []string{"en-US", "de-DE", "en-GB", "ja-JP", "ko-KR", "iso"} {
			f.Add(s, tag, false)
		}
	}
	f.Fuzz(func(t *testing.T, s, tag string, endOfDay bool) {
		l := data.NewLocale(tag)
		got, err := l.ParseDate(s, endOfDay, time.UTC)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("%s: ParseDate(%q): error %v is not ErrInvalid", l.Tag(), s, err)
			}
			return
		}
		if got.Location() != time.UTC || got.Nanosecond() != 0 {
			t.Fatalf("%s: ParseDate(%q) = %v: not whole seconds in the given zone", l.Tag(), s, got)
		}
		if got.Second() == 59 && endOfDay {
			return // the end of a day
		}
		if got.Second() != 0 {
			t.Fatalf("%s: ParseDate(%q) = %v has seconds", l.Tag(), s, got)
		}
		shown := got.In(time.Local)
		back, err := l.ParseDate(l.DateTime(shown), false, time.Local)
		if err != nil || !back.Equal(got) {
			t.Fatalf("%s: ParseDate(%q) = %v, shown as %q, which reads back as %v, %v", l.Tag(), s, got, l.DateTime(shown), back, err)
		}
	})
}
