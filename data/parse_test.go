package data_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"topupcards/data"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int64 // 0: refused
	}{
		{"8", 800},
		{"8.5", 850},
		{"8.00", 800},
		{"8.05", 805},
		{" 8.00 ", 800},
		{"0.01", 1},
		{".5", 50},
		{"1,000.00", 100_000},
		{"12,345", 1_234_500},
		{"1,000,000.00", 100_000_000},
		{"1000000", 100_000_000},
		{"007.10", 710},
		{"1000000.01", 0},
		{"1,000,001", 0},
		{"999999999999.99", 0},
		{"1234567890123", 0},
		{"0", 0},
		{"0.00", 0},
		{"", 0},
		{"   ", 0},
		{".", 0},
		{"8.", 0},
		{"8.001", 0},
		{"8.5.0", 0},
		{"-1", 0},
		{"+1", 0},
		{"1e3", 0},
		{"8,50", 0},
		{"1,00", 0},
		{",100", 0},
		{"1,0000", 0},
		{"1000,000", 0},
		{"1 000", 0},
		{"8 USD", 0},
		{"$8", 0},
		{"８", 0},
		{"0x10", 0},
		{"8.-5", 0},
		{"NaN", 0},
	}
	for _, c := range cases {
		got, err := data.ParseAmount(c.in, "USD")
		if c.want == 0 {
			if err == nil || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("ParseAmount(%q) = %d, %v; want ErrInvalid", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseAmountBound(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "0.00": 0, "8": 80000, "8.0005": 80005, "1,000,000": 1_000_000_0000} {
		if got, err := data.ParseAmountBound(in); err != nil || got != want {
			t.Errorf("ParseAmountBound(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1000000.01", "8.00001", "x"} {
		if _, err := data.ParseAmountBound(in); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("ParseAmountBound(%q): %v; want ErrInvalid", in, err)
		}
	}
}

func TestMoneyString(t *testing.T) {
	t.Parallel()
	if got := (data.Money{Minor: 800, Currency: "USD"}).String(); got != "8.00 USD" {
		t.Errorf("Money.String() = %q", got)
	}
}

func TestParseCurrency(t *testing.T) {
	t.Parallel()
	ok := map[string]string{"": "USD", "  ": "USD", "usd": "USD", "EUR": "EUR", " gbp ": "GBP", "Jpy": "JPY", "CHF": "CHF"}
	for in, want := range ok {
		if got, err := data.ParseCurrency(in); err != nil || got != want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"XYZ", "US", "EURO", "$", "U SD", "€", "123"} {
		if got, err := data.ParseCurrency(in); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("ParseCurrency(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestParseSeries(t *testing.T) {
	t.Parallel()
	ok := map[string]string{"3": "3", "101": "101", "abc": "ABC", " a1 ": "A1", "ABCDEFGHIJ": "ABCDEFGHIJ", "0123456789": "0123456789"}
	for in, want := range ok {
		if got, err := data.ParseSeries(in); err != nil || got != want {
			t.Errorf("ParseSeries(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "  ", "ABCDEFGHIJK", "A-1", "A_1", "A 1", "É", "Ž1", "a.b", "1/2"} {
		if got, err := data.ParseSeries(in); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("ParseSeries(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestParseSerial(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in    string
		upper bool
		want  data.Serial
		ok    bool
	}{
		{"3-000000001", false, data.Serial{Series: "3", Number: 1}, true},
		{"3-1", true, data.Serial{Series: "3", Number: 1}, true},
		{"a-42", false, data.Serial{Series: "A", Number: 42}, true},
		{" B7-000000100 ", false, data.Serial{Series: "B7", Number: 100}, true},
		{"3", false, data.Serial{Series: "3", Number: 0}, true},
		{"3", true, data.Serial{Series: "3", Number: data.MaxSerialNumber}, true},
		{"3-999999999", false, data.Serial{Series: "3", Number: 999_999_999}, true},
		{"3-0", false, data.Serial{Series: "3", Number: 0}, true},
		{"3-1000000000", false, data.Serial{}, false},
		{"3--1", false, data.Serial{}, false},
		{"3-", false, data.Serial{}, false},
		{"3-+1", false, data.Serial{}, false},
		{"3-1-2", false, data.Serial{}, false},
		{"3-0x1", false, data.Serial{}, false},
		{"3-1_0", false, data.Serial{}, false},
		{"3-1.5", false, data.Serial{}, false},
		{"-5", false, data.Serial{}, false},
		{"", true, data.Serial{}, false},
		{"ABCDEFGHIJK-1", false, data.Serial{}, false},
		{"A B-1", false, data.Serial{}, false},
	}
	for _, c := range cases {
		got, err := data.ParseSerial(c.in, c.upper)
		if !c.ok {
			if !errors.Is(err, data.ErrInvalid) {
				t.Errorf("ParseSerial(%q, %v) = %v, %v; want ErrInvalid", c.in, c.upper, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseSerial(%q, %v) = %v, %v; want %v", c.in, c.upper, got, err, c.want)
		}
	}
	if got := (data.Serial{Series: "3", Number: 1}).String(); got != "3-000000001" {
		t.Errorf("Serial.String() = %q", got)
	}
	if got := data.FormatSerial("AB", 123456789); got != "AB-123456789" {
		t.Errorf("FormatSerial = %q", got)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	plus2 := time.FixedZone("UTC+2", 2*3600)
	cases := []struct {
		in       string
		endOfDay bool
		loc      *time.Location
		want     time.Time
	}{
		{"2027-01-31", false, time.UTC, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"2027-01-31", true, time.UTC, time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)},
		{" 2027-01-31 ", true, plus2, time.Date(2027, 1, 31, 23, 59, 59, 0, plus2)},
		{"2027-01-31T18:00", false, time.UTC, time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC)},
		{"2027-01-31T18:00", true, time.UTC, time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC)},
		{"2027-01-31 18:05", false, plus2, time.Date(2027, 1, 31, 18, 5, 0, 0, plus2)},
		{"2028-02-29", true, time.UTC, time.Date(2028, 2, 29, 23, 59, 59, 0, time.UTC)},
		{"2027-12-31", true, time.UTC, time.Date(2027, 12, 31, 23, 59, 59, 0, time.UTC)},
	}
	for _, c := range cases {
		got, err := data.ParseDate(c.in, c.endOfDay, c.loc)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseDate(%q, %v, %v) = %v, %v; want %v", c.in, c.endOfDay, c.loc, got, err, c.want)
		}
	}
	// With no location, local time.
	if got, err := data.ParseDate("2027-06-01", false, nil); err != nil || !got.Equal(time.Date(2027, 6, 1, 0, 0, 0, 0, time.Local)) {
		t.Errorf("ParseDate in local time: %v, %v", got, err)
	}
	for _, in := range []string{"", "2027-02-30", "2027-13-01", "31/01/2027", "01/31/2027", "2027-1-31", "2027-01-31T25:00",
		"2027-01-31T18:00:00", "2027-01-31X18:00", "tomorrow", "20270131"} {
		if got, err := data.ParseDate(in, false, time.UTC); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrInvalid", in, got, err)
		}
	}
}

// TestParseDateEndOfDayAcrossDST: the end of a day on which the clocks
// change is still the last second of that day.
func TestParseDateEndOfDayAcrossDST(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, day := range []string{"2027-03-14", "2027-11-07"} {
		got, err := data.ParseDate(day, true, loc)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format("2006-01-02 15:04:05") != day+" 23:59:59" {
			t.Errorf("end of %s in New York: %v", day, got)
		}
	}
}

func TestNormalizePIN(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"452428293854":         "452428293854",
		"4524 2829 3854":       "452428293854",
		"4524-2829-3854":       "452428293854",
		" 4524 - 2829\t3854 ":  "452428293854",
		"4524\u00a02829":       "45242829",
		"0000 0001":            "00000001",
		"12345678901234567890": "12345678901234567890",
		"1":                    "1",
	}
	for in, want := range ok {
		if got, err := data.NormalizePIN(in); err != nil || got != want {
			t.Errorf("NormalizePIN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "   ", " - ", "12a4", "4524.2829", "4524_2829", "123456789012345678901", "١٢٣", "１２３", "12\n34", "+1234"} {
		if got, err := data.NormalizePIN(in); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("NormalizePIN(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestGroupPIN(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                     "",
		"1":                    "1",
		"1234":                 "1234",
		"12345":                "1234 5",
		"12345678":             "1234 5678",
		"452428293854":         "4524 2829 3854",
		"12345678901234567890": "1234 5678 9012 3456 7890",
	}
	for in, want := range cases {
		if got := data.GroupPIN(in); got != want {
			t.Errorf("GroupPIN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLuhnValid(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"79927398713":      true, // the textbook example
		"79927398710":      false,
		"79927398714":      false,
		"4111111111111111": true, // a well-known test card number
		"4111111111111112": false,
		"18":               true,
		"19":               false,
		"00":               true,
		"0":                false,
		"":                 false,
	}
	for in, want := range cases {
		if got := data.LuhnValid(in); got != want {
			t.Errorf("LuhnValid(%q) = %v, want %v", in, got, want)
		}
	}
	// Every single-digit typo and every swap of two different neighbouring
	// digits (except 0/9) of a valid number is caught.
	valid := "79927398713"
	for i := range valid {
		for d := byte('0'); d <= '9'; d++ {
			if d == valid[i] {
				continue
			}
			typo := valid[:i] + string(d) + valid[i+1:]
			if data.LuhnValid(typo) {
				t.Errorf("typo %s of %s passes", typo, valid)
			}
		}
		if i+1 < len(valid) && valid[i] != valid[i+1] && !(strings.ContainsRune("09", rune(valid[i])) && strings.ContainsRune("09", rune(valid[i+1]))) {
			swap := valid[:i] + string(valid[i+1]) + string(valid[i]) + valid[i+2:]
			if data.LuhnValid(swap) {
				t.Errorf("swap %s of %s passes", swap, valid)
			}
		}
	}
}

func TestParseSort(t *testing.T) {
	t.Parallel()
	for _, c := range data.Columns {
		for _, suffix := range []string{"", ":asc", ":ASC"} {
			if got, err := data.ParseSort(string(c) + suffix); err != nil || got != (data.Sort{Column: c}) {
				t.Errorf("ParseSort(%q) = %+v, %v", string(c)+suffix, got, err)
			}
		}
		if got, err := data.ParseSort(strings.ToUpper(string(c)) + ":desc"); err != nil || got != (data.Sort{Column: c, Desc: true}) {
			t.Errorf("ParseSort(%q) = %+v, %v", strings.ToUpper(string(c))+":desc", got, err)
		}
	}
	for _, in := range []string{"", "id", "bogus", "amount:up", ":desc", "amount:desc:x"} {
		if got, err := data.ParseSort(in); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("ParseSort(%q) = %+v, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	ok := map[string]data.Status{"new": data.StatusNew, "Activated": data.StatusActivated, " expired ": data.StatusExpired, "BLOCKED": data.StatusBlocked}
	for in, want := range ok {
		if got, err := data.ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lost", "activ", "new,blocked"} {
		if got, err := data.ParseStatus(in); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("ParseStatus(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestFilterIsEmpty(t *testing.T) {
	t.Parallel()
	if !(data.Filter{}).IsEmpty() || (data.Filter{}).Describe() != "all cards" {
		t.Error("the zero filter is not empty")
	}
	now := time.Now()
	for i, f := range []data.Filter{
		{SerialFrom: serialPtr("A", 1)}, {SerialTo: serialPtr("A", 1)}, {PIN: "1"}, {Status: data.StatusNew},
		{Reseller: "x"}, {AmountFrom: i64(0)}, {AmountTo: i64(0)}, {ExpiryFrom: now}, {ExpiryTo: now}, {Client: "x"},
		{ActivatedFrom: now}, {ActivatedTo: now}, {Batch: 1}, {IDs: []int64{}},
	} {
		if f.IsEmpty() {
			t.Errorf("filter %d (%s) counts as empty", i, f.Describe())
		}
		if f.Describe() == "all cards" {
			t.Errorf("filter %d is described as all cards", i)
		}
	}
}

func TestEditIsNoop(t *testing.T) {
	t.Parallel()
	if !(data.Edit{}).IsNoop() || !(data.Edit{Reseller: "  "}).IsNoop() {
		t.Error("an edit that changes nothing is not a no-op")
	}
	for _, e := range []data.Edit{{Expiry: data.ExpirySet}, {Expiry: data.ExpiryClear}, {Reseller: "x"}, {Block: data.BlockSet}, {Block: data.BlockClear}} {
		if e.IsNoop() {
			t.Errorf("%+v counts as a no-op", e)
		}
	}
}

func TestCardStatusAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		c    data.Card
		want data.Status
	}{
		{data.Card{}, data.StatusNew},
		{data.Card{ExpiresAt: now.Add(time.Second)}, data.StatusNew},
		{data.Card{ExpiresAt: now}, data.StatusExpired},
		{data.Card{Blocked: true, ExpiresAt: now}, data.StatusBlocked},
		{data.Card{ActivatedAt: now, ActivatedBy: "x", Blocked: true, ExpiresAt: now}, data.StatusActivated},
	}
	for _, c := range cases {
		if got := c.c.StatusAt(now); got != c.want {
			t.Errorf("StatusAt(%+v) = %s, want %s", c.c, got, c.want)
		}
		if got := statusOf(c.c, now); got != c.want {
			t.Errorf("the test's statusOf(%+v) = %s, want %s", c.c, got, c.want)
		}
	}
}

func serialPtr(series string, number int64) *data.Serial {
	return &data.Serial{Series: series, Number: number}
}

func i64(v int64) *int64 { return &v }

// statusOf is the test's own statement of the rule: activated once
// redeemed; otherwise blocked if blocked; otherwise expired once the expiry
// has passed; otherwise new.
func statusOf(c data.Card, now time.Time) data.Status {
	switch {
	case !c.ActivatedAt.IsZero():
		return data.StatusActivated
	case c.Blocked:
		return data.StatusBlocked
	case !c.ExpiresAt.IsZero() && c.ExpiresAt.Unix() <= now.Unix():
		return data.StatusExpired
	}
	return data.StatusNew
}
