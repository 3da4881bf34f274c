package data_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"topupcards/data"
)

// TestCurrencyDigits: the acceptance list, as the library says.
func TestCurrencyDigits(t *testing.T) {
	t.Parallel()
	want := map[string]int{"XOF": 0, "XAF": 0, "JPY": 0, "KRW": 0, "UGX": 0, "VND": 0,
		"KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3, "USD": 2, "EUR": 2, "GBP": 2}
	for code, d := range want {
		if got := data.CurrencyDigits(code); got != d {
			t.Errorf("CurrencyDigits(%s) = %d, want %d", code, got, d)
		}
	}
	if got := data.MaxAmount("JPY"); got != 1_000_000 {
		t.Errorf("MaxAmount(JPY) = %d", got)
	}
	if got := data.MaxAmount("KWD"); got != 1_000_000_000 {
		t.Errorf("MaxAmount(KWD) = %d", got)
	}
}

func TestLocaleAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tag   string
		minor int64
		cur   string
		want  string
	}{
		{"iso", 123450, "USD", "1234.50 USD"},
		{"iso", 500, "JPY", "500 JPY"},
		{"iso", 500, "KWD", "0.500 KWD"},
		{"iso", 5000, "XOF", "5000 XOF"},
		{"en-US", 123450, "USD", "1,234.50 USD"},
		{"en-US", 5000, "XOF", "5,000 XOF"},
		{"en-US", 500, "KWD", "0.500 KWD"},
		{"en-US", 100_000_000, "USD", "1,000,000.00 USD"},
		{"de-DE", 123450, "EUR", "1.234,50 EUR"},
		{"de-DE", 5000, "XOF", "5.000 XOF"},
		{"de-DE", 1500, "KWD", "1,500 KWD"},
		{"fr-FR", 123450, "EUR", "1\u202f234,50 EUR"},
		{"de-CH", 123450, "CHF", "1'234.50 CHF"},
		{"en-IN", 123456789, "INR", "12,34,567.89 INR"},
		{"de_DE.UTF-8", 123450, "EUR", "1.234,50 EUR"},
		{"C", 123450, "USD", "1,234.50 USD"},
		{"en-US", 800, "ANG", "8.00 ANG"}, // a retired code in an old file: two decimals
	}
	for _, c := range cases {
		l := data.NewLocale(c.tag)
		if got := l.Amount(data.Money{Minor: c.minor, Currency: c.cur}); got != c.want {
			t.Errorf("%s: Amount(%d %s) = %q, want %q", c.tag, c.minor, c.cur, got, c.want)
		}
	}
}

// TestLocaleParseAmount: at most the currency's decimals, the locale's
// marks, and the messages say why and how.
func TestLocaleParseAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tag, in, cur string
		want         int64  // when msg is ""
		msg          string // a part of the refusal
	}{
		{"iso", "0.500", "KWD", 500, ""},
		{"iso", "0.5", "KWD", 500, ""},
		{"iso", "1,000.125", "KWD", 1_000_125, ""},
		{"iso", "5000", "XOF", 5000, ""},
		{"iso", "5,000", "XOF", 5000, ""},
		{"iso", "500", "JPY", 500, ""},
		{"iso", "8.50", "USD", 850, ""},
		{"iso", "5000.5", "XOF", 0, "XOF has no decimals"},
		{"iso", "5000.50", "XOF", 0, "XOF has no decimals"},
		{"iso", "0.5005", "KWD", 0, "KWD has three decimals"},
		{"iso", "8.001", "USD", 0, "USD has two decimals"},
		{"iso", "1000001", "JPY", 0, "1000000 JPY"},
		{"iso", "0", "JPY", 0, "more than 0"},
		{"en-US", "1,234.50", "USD", 123450, ""},
		{"en-US", "1234.5", "USD", 123450, ""},
		{"de-DE", "1.234,50", "EUR", 123450, ""},
		{"de-DE", "1234,5", "EUR", 123450, ""},
		{"de-DE", "0,500", "KWD", 500, ""},
		{"de-DE", "5.000", "XOF", 5000, ""},
		{"de-DE", "5000,5", "XOF", 0, "XOF has no decimals"},
		{"de-DE", "8.50", "EUR", 0, "write it like 8,00"},
		{"fr-FR", "1 234,50", "EUR", 123450, ""},
		{"fr-FR", "1\u202f234,50", "EUR", 123450, ""},
		{"fr-FR", "1\u00a0234,50", "EUR", 123450, ""},
		{"ar-EG", "١٢٣٤٫٥٠", "EGP", 123450, ""},
	}
	for _, c := range cases {
		l := data.NewLocale(c.tag)
		got, err := l.ParseAmount(c.in, c.cur)
		if c.msg == "" {
			if err != nil || got != c.want {
				t.Errorf("%s: ParseAmount(%q, %s) = %d, %v; want %d", c.tag, c.in, c.cur, got, err, c.want)
			}
			continue
		}
		if err == nil || !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: ParseAmount(%q, %s) = %d, %v; want an amount error saying %q", c.tag, c.in, c.cur, got, err, c.msg)
		}
	}
}

func TestLocaleDates(t *testing.T) {
	t.Parallel()
	at := time.Date(2027, 9, 30, 18, 5, 7, 0, time.Local)
	eod := time.Date(2027, 9, 30, 23, 59, 59, 0, time.Local)
	cases := []struct {
		tag                                 string
		date, dateTime, timestamp, expiryAt string
	}{
		{"iso", "2027-09-30", "2027-09-30 18:05", "2027-09-30 18:05:07", "2027-09-30 18:05"},
		{"en-US", "09/30/2027", "09/30/2027 6:05 PM", "09/30/2027 6:05:07 PM", "09/30/2027 6:05 PM"},
		{"en-GB", "30/09/2027", "30/09/2027 18:05", "30/09/2027 18:05:07", "30/09/2027 18:05"},
		{"de-DE", "30.09.2027", "30.09.2027 18:05", "30.09.2027 18:05:07", "30.09.2027 18:05"},
		{"sv-SE", "2027-09-30", "2027-09-30 18:05", "2027-09-30 18:05:07", "2027-09-30 18:05"},
		{"ja-JP", "2027/09/30", "2027/09/30 18:05", "2027/09/30 18:05:07", "2027/09/30 18:05"},
		{"xx-YY", "2027-09-30", "2027-09-30 18:05", "2027-09-30 18:05:07", "2027-09-30 18:05"},
	}
	for _, c := range cases {
		l := data.NewLocale(c.tag)
		if got := l.Date(at); got != c.date {
			t.Errorf("%s: Date = %q, want %q", c.tag, got, c.date)
		}
		if got := l.DateTime(at); got != c.dateTime {
			t.Errorf("%s: DateTime = %q, want %q", c.tag, got, c.dateTime)
		}
		if got := l.Timestamp(at); !strings.HasPrefix(got, c.timestamp+" ") {
			t.Errorf("%s: Timestamp = %q, want %q and the offset", c.tag, got, c.timestamp)
		}
		if got := l.Expiry(at); got != c.expiryAt {
			t.Errorf("%s: Expiry at 18:05 = %q, want %q", c.tag, got, c.expiryAt)
		}
		if got := l.Expiry(eod); got != c.date {
			t.Errorf("%s: Expiry at the end of the day = %q, want %q", c.tag, got, c.date)
		}
	}
}

// TestLocaleParseDate: every date input takes the locale's form and ISO,
// and what a locale writes reads back.
func TestLocaleParseDate(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	d := func(y, m, dd, h, mi, s int) time.Time { return time.Date(y, time.Month(m), dd, h, mi, s, 0, utc) }
	cases := []struct {
		tag, in string
		end     bool
		want    time.Time
	}{
		{"en-US", "09/30/2027", true, d(2027, 9, 30, 23, 59, 59)},
		{"en-US", "9/30/2027", false, d(2027, 9, 30, 0, 0, 0)},
		{"en-US", "09/30/2027 6:00 PM", true, d(2027, 9, 30, 18, 0, 0)},
		{"en-US", "09/30/2027 6:00 pm", false, d(2027, 9, 30, 18, 0, 0)},
		{"en-US", "09/30/2027 18:00", false, d(2027, 9, 30, 18, 0, 0)},
		{"en-US", "2027-09-30", false, d(2027, 9, 30, 0, 0, 0)},
		{"en-US", "2027-09-30 18:00", false, d(2027, 9, 30, 18, 0, 0)},
		{"en-US", "2027-09-30T18:00", false, d(2027, 9, 30, 18, 0, 0)},
		{"de-DE", "30.09.2027", true, d(2027, 9, 30, 23, 59, 59)},
		{"de-DE", "1.2.2027 7:30", false, d(2027, 2, 1, 7, 30, 0)},
		{"de-DE", "2027-02-01", false, d(2027, 2, 1, 0, 0, 0)},
		{"en-GB", "01/02/2027", false, d(2027, 2, 1, 0, 0, 0)},
		{"iso", "2027-02-01 07:30", false, d(2027, 2, 1, 7, 30, 0)},
	}
	for _, c := range cases {
		got, err := data.NewLocale(c.tag).ParseDate(c.in, c.end, utc)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: ParseDate(%q) = %v, %v; want %v", c.tag, c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ tag, in, hint string }{
		{"en-US", "30/09/2027", "MM/DD/YYYY (01/31/2027) or YYYY-MM-DD (2027-01-31)"},
		{"de-DE", "09/30/2027", "DD.MM.YYYY (31.01.2027) or YYYY-MM-DD (2027-01-31)"},
		{"iso", "30.09.2027", "YYYY-MM-DD (2027-01-31)"},
		{"de-DE", "2027-09-30T18:00:00", "with a time if needed (31.01.2027 18:00)"},
	} {
		_, err := data.NewLocale(c.tag).ParseDate(c.in, false, utc)
		if err == nil || !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), c.hint) {
			t.Errorf("%s: ParseDate(%q) = %v; want a date error naming %q", c.tag, c.in, err, c.hint)
		}
	}
	// Round trip: what each locale shows, it reads.
	at := time.Date(2027, 12, 24, 9, 45, 0, 0, time.Local)
	for _, tag := range []string{"iso", "en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "ko-KR", "hu-HU", "nl-NL", "ar-EG"} {
		l := data.NewLocale(tag)
		if got, err := l.ParseDate(l.DateTime(at), false, nil); err != nil || !got.Equal(at) {
			t.Errorf("%s: ParseDate(DateTime %q) = %v, %v", tag, l.DateTime(at), got, err)
		}
		day := time.Date(2027, 12, 24, 0, 0, 0, 0, time.Local)
		if got, err := l.ParseDate(l.Date(at), false, nil); err != nil || !got.Equal(day) {
			t.Errorf("%s: ParseDate(Date %q) = %v, %v", tag, l.Date(at), got, err)
		}
	}
}

func TestLocaleCount(t *testing.T) {
	t.Parallel()
	for tag, want := range map[string]string{"en-US": "1,234,567", "de-DE": "1.234.567", "iso": "1234567", "fr-FR": "1\u202f234\u202f567"} {
		if got := data.NewLocale(tag).Count(1234567); got != want {
			t.Errorf("%s: Count = %q, want %q", tag, got, want)
		}
	}
}

func TestLocaleBound(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		tag  string
		v    int64
		want string
	}{{"en-US", 85000, "8.5"}, {"de-DE", 85000, "8,5"}, {"de-DE", 12345_0000, "12.345"}, {"iso", 5, "0.0005"}, {"en-US", 0, "0"}} {
		if got := data.NewLocale(c.tag).Bound(c.v); got != c.want {
			t.Errorf("%s: Bound(%d) = %q, want %q", c.tag, c.v, got, c.want)
		}
	}
}
