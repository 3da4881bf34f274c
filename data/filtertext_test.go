package data_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"topupcards/data"
)

// TestParseFilterKeysErrorsByField: every bad field is reported under its
// own key, a swapped range under its upper field, and nothing is returned
// but the errors.
func TestParseFilterKeysErrorsByField(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   data.FilterText
		want []data.Field
	}{
		{"serial", data.FilterText{data.FieldSerialFrom: "x-1-"}, []data.Field{data.FieldSerialFrom}},
		{"pin and amount", data.FilterText{data.FieldPIN: "12ab", data.FieldAmountTo: "lots"}, []data.Field{data.FieldPIN, data.FieldAmountTo}},
		{"status", data.FilterText{data.FieldStatus: "sold"}, []data.Field{data.FieldStatus}},
		{"date", data.FilterText{data.FieldExpiryFrom: "31/31/2027"}, []data.Field{data.FieldExpiryFrom}},
		{"batch", data.FilterText{data.FieldBatch: "two"}, []data.Field{data.FieldBatch}},
		{"printed", data.FilterText{data.FieldPrinted: "maybe"}, []data.Field{data.FieldPrinted}},
		{"swapped amounts", data.FilterText{data.FieldAmountFrom: "9", data.FieldAmountTo: "5"}, []data.Field{data.FieldAmountTo}},
		{"swapped serials", data.FilterText{data.FieldSerialFrom: "3-000000009", data.FieldSerialTo: "3-000000001"}, []data.Field{data.FieldSerialTo}},
		{"swapped dates", data.FilterText{data.FieldActivatedFrom: "2027-02-01", data.FieldActivatedTo: "2027-01-01"}, []data.Field{data.FieldActivatedTo}},
		{"control character", data.FilterText{data.FieldClient: "a\x1bb"}, []data.Field{data.FieldClient}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := data.ParseFilter(tc.in, nil)
			if err == nil {
				t.Fatalf("ParseFilter(%v) = %+v, want errors on %v", tc.in, f, tc.want)
			}
			if !errors.Is(err, data.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			var es data.FieldErrors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not FieldErrors", err)
			}
			if len(es) != len(tc.want) {
				t.Fatalf("errors %v, want one on each of %v", es, tc.want)
			}
			for i, k := range tc.want {
				if es[i].Field != k || es.Of(k) == nil {
					t.Errorf("error %d on %q (%v), want %q", i, es[i].Field, es[i].Err, k)
				}
			}
			if k, ok := data.FieldOf(err); !ok || k != tc.want[0] {
				t.Errorf("FieldOf = %q, %v; want %q", k, ok, tc.want[0])
			}
			if !f.IsEmpty() {
				t.Errorf("a refused search returned a filter: %+v", f)
			}
		})
	}
}

// TestParseFilterReadsEveryField: a whole search, as typed, is the filter.
func TestParseFilterReadsEveryField(t *testing.T) {
	f, err := data.ParseFilter(data.FilterText{
		data.FieldSerialFrom: " 3-000000001 ", data.FieldSerialTo: "3", data.FieldPIN: "1234 5678-9012",
		data.FieldStatus: "New", data.FieldReseller: "  Acme   Mobile ", data.FieldAmountFrom: "5",
		data.FieldAmountTo: "9.50", data.FieldExpiryFrom: "2027-01-01", data.FieldExpiryTo: "2027-01-31",
		data.FieldClient: " rose ", data.FieldBatch: "#7", data.FieldPrinted: "never",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.SerialFrom.String() != "3-000000001" || f.SerialTo.Series != "3" || f.PIN != "123456789012" ||
		f.Status != data.StatusNew || f.Reseller != "Acme Mobile" || *f.AmountFrom != 5_0000 || *f.AmountTo != 9_5000 ||
		f.ExpiryFrom.Format("2006-01-02 15:04:05") != "2027-01-01 00:00:00" ||
		f.ExpiryTo.Format("2006-01-02 15:04:05") != "2027-01-31 23:59:59" || f.Client != "rose" || f.Batch != 7 ||
		f.Printed != data.PrintedNo {
		t.Errorf("ParseFilter read %+v", f)
	}
	if f, err := data.ParseFilter(data.FilterText{data.FieldSerialFrom: "  "}, nil); err != nil || !f.IsEmpty() {
		t.Errorf("blank fields: %+v, %v; want the empty filter", f, err)
	}
}

// FuzzParseFilter: any text gives a filter that validates, or field errors;
// never a panic.
func FuzzParseFilter(f *testing.F) {
	f.Add("3-000000001", "5", "2027-01-31", "x")
	f.Add("", "-1", "31/01/2027", "\x00")
	f.Fuzz(func(t *testing.T, serial, amount, date, text string) {
		flt, err := data.ParseFilter(data.FilterText{
			data.FieldSerialFrom: serial, data.FieldAmountFrom: amount, data.FieldExpiryTo: date,
			data.FieldClient: text, data.FieldReseller: text, data.FieldBatch: amount,
		}, nil)
		if err != nil {
			if _, ok := data.FieldOf(err); !ok {
				t.Fatalf("error %v has no field", err)
			}
			return
		}
		if err := flt.Validate(); err != nil {
			t.Fatalf("accepted filter does not validate: %v", err)
		}
	})
}

// TestParseFilterInReadsTheLocale: the window's search reads amounts with
// the locale's marks and dates in its order or ISO, keyed by field.
func TestParseFilterInReadsTheLocale(t *testing.T) {
	de := data.NewLocale("de-DE")
	f, err := data.ParseFilterIn(data.FilterText{data.FieldAmountFrom: "1.234,5", data.FieldAmountTo: "0,500",
		data.FieldExpiryFrom: "31.01.2027", data.FieldExpiryTo: "2027-02-28 18:00"}, de)
	if err == nil || !strings.Contains(err.Error(), "swap") {
		t.Errorf("1.234,5 to 0,500: %+v, %v; want the range refused", f, err)
	}
	f, err = data.ParseFilterIn(data.FilterText{data.FieldAmountFrom: "0,500", data.FieldAmountTo: "1.234,5",
		data.FieldExpiryFrom: "31.01.2027", data.FieldExpiryTo: "2027-02-28 18:00"}, de)
	if err != nil || *f.AmountFrom != 5000 || *f.AmountTo != 1234_5000 || f.ExpiryFrom.Day() != 31 || f.ExpiryTo.Hour() != 18 {
		t.Errorf("ParseFilterIn read %+v, %v", f, err)
	}
	_, err = data.ParseFilterIn(data.FilterText{data.FieldExpiryFrom: "01/31/2027", data.FieldAmountTo: "8.5"}, de)
	for _, k := range []data.Field{data.FieldExpiryFrom, data.FieldAmountTo} {
		var fes data.FieldErrors
		if !errors.As(err, &fes) || fes.Of(k) == nil {
			t.Errorf("field %s not keyed in %v", k, err)
		}
	}
	var fes data.FieldErrors
	if errors.As(err, &fes) && !strings.Contains(fmt.Sprint(fes.Of(data.FieldExpiryFrom)), "DD.MM.YYYY (31.01.2027) or YYYY-MM-DD (2027-01-31)") {
		t.Errorf("the date error does not name both forms: %v", fes.Of(data.FieldExpiryFrom))
	}
}
