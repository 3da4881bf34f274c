package data

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Field names one input of a search, in the words of the command line's
// flags. The window marks the field an error is keyed by.
type Field string

// The search fields, in the order the window and the help list them.
const (
	FieldSerialFrom    Field = "serial-from"
	FieldSerialTo      Field = "serial-to"
	FieldPIN           Field = "pin"
	FieldStatus        Field = "status"
	FieldReseller      Field = "reseller"
	FieldAmountFrom    Field = "amount-from"
	FieldAmountTo      Field = "amount-to"
	FieldExpiryFrom    Field = "expiry-from"
	FieldExpiryTo      Field = "expiry-to"
	FieldClient        Field = "client"
	FieldActivatedFrom Field = "activated-from"
	FieldActivatedTo   Field = "activated-to"
	FieldBatch         Field = "batch"
	FieldPrinted       Field = "printed"
)

// Fields lists the search fields in order.
var Fields = []Field{FieldSerialFrom, FieldSerialTo, FieldPIN, FieldStatus, FieldReseller,
	FieldAmountFrom, FieldAmountTo, FieldExpiryFrom, FieldExpiryTo, FieldClient,
	FieldActivatedFrom, FieldActivatedTo, FieldBatch, FieldPrinted}

// FilterText is a search as a person typed it, one string per field; an
// empty (or blank) string leaves the field out.
type FilterText map[Field]string

// FieldError is what is wrong with one field of a search.
type FieldError struct {
	Field Field
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap gives the field's own error (ErrInvalid and its message).
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors are the errors of a search, at most one per field, in the
// order of Fields.
type FieldErrors []*FieldError

// Error is the first error: one sentence that says what to do.
func (es FieldErrors) Error() string {
	if len(es) == 0 {
		return ""
	}
	return es[0].Error()
}

// Unwrap gives every field's error, so errors.Is(err, ErrInvalid) holds.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Of returns the error of field f, or nil.
func (es FieldErrors) Of(f Field) error {
	for _, e := range es {
		if e.Field == f {
			return e.Err
		}
	}
	return nil
}

// DateParser reads one date of a search; end asks for the last second of a
// bare day (an upper bound).
type DateParser func(s string, end bool) (time.Time, error)

// ISODates is the DateParser of the command line: ParseDate in local time.
func ISODates(s string, end bool) (time.Time, error) { return ParseDate(s, end, time.Local) }

// ParseFilter reads a search typed by a person into a Filter. It is the one
// reading of search text: the window's sidebar and the command line's flags
// both call it. Every field is checked; the errors come keyed by field (a
// range whose ends are swapped is the error of its upper field). dates reads
// the date fields (nil: ISODates). On error the Filter is the zero Filter.
func ParseFilter(t FilterText, dates DateParser) (Filter, error) {
	return parseFilter(t, dates, Plain.ParseAmountBound)
}

// ParseFilterIn is ParseFilter for a search typed in locale l (the
// window's): amounts with its marks ("1.234,50" in de-DE), dates in its
// order or ISO, in local time.
func ParseFilterIn(t FilterText, l Locale) (Filter, error) {
	return parseFilter(t, func(s string, end bool) (time.Time, error) { return l.ParseDate(s, end, time.Local) },
		l.ParseAmountBound)
}

// parseFilter is ParseFilter with the amount bounds read by amounts.
func parseFilter(t FilterText, dates DateParser, amounts func(string) (int64, error)) (Filter, error) {
	if dates == nil {
		dates = ISODates
	}
	var f Filter
	errs := map[Field]error{}
	get := func(k Field) string { return strings.TrimSpace(t[k]) }
	for _, s := range []struct {
		k     Field
		upper bool
		dst   **Serial
	}{{FieldSerialFrom, false, &f.SerialFrom}, {FieldSerialTo, true, &f.SerialTo}} {
		if v := get(s.k); v != "" {
			ser, err := ParseSerial(v, s.upper)
			errs[s.k] = err
			*s.dst = &ser
		}
	}
	if v := get(FieldPIN); v != "" {
		f.PIN, errs[FieldPIN] = NormalizePIN(v)
	}
	if v := get(FieldStatus); v != "" {
		f.Status, errs[FieldStatus] = ParseStatus(v)
	}
	f.Reseller = strings.Join(strings.Fields(t[FieldReseller]), " ")
	errs[FieldReseller] = CheckText("reseller", f.Reseller)
	for _, a := range []struct {
		k   Field
		dst **int64
	}{{FieldAmountFrom, &f.AmountFrom}, {FieldAmountTo, &f.AmountTo}} {
		if v := get(a.k); v != "" {
			n, err := amounts(v)
			errs[a.k] = err
			*a.dst = &n
		}
	}
	for _, d := range []struct {
		k   Field
		end bool
		dst *time.Time
	}{{FieldExpiryFrom, false, &f.ExpiryFrom}, {FieldExpiryTo, true, &f.ExpiryTo},
		{FieldActivatedFrom, false, &f.ActivatedFrom}, {FieldActivatedTo, true, &f.ActivatedTo}} {
		if v := get(d.k); v != "" {
			*d.dst, errs[d.k] = dates(v, d.end)
		}
	}
	f.Client = get(FieldClient)
	errs[FieldClient] = CheckText("client", f.Client)
	if v := strings.TrimPrefix(get(FieldBatch), "#"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs[FieldBatch] = errf(ErrInvalid, "batch %q: give a batch number such as 3", t[FieldBatch])
		}
		f.Batch = n
	}
	if v := get(FieldPrinted); v != "" {
		f.Printed, errs[FieldPrinted] = ParsePrinted(v)
	}
	var out FieldErrors
	for _, k := range Fields {
		if errs[k] != nil {
			out = append(out, &FieldError{Field: k, Err: errs[k]})
		}
	}
	if out == nil {
		if k, err := f.check(); err != nil {
			out = FieldErrors{{Field: k, Err: err}}
		}
	}
	if out != nil {
		return Filter{}, out
	}
	return f, nil
}

// FieldOf says which search field err is keyed by, if any.
func FieldOf(err error) (Field, bool) {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field, true
	}
	return "", false
}
