package data

import (
	"fmt"
	"strings"
	"time"
)

// Filter selects cards: the seed's Advanced Search. Every field is optional;
// a zero Filter matches every card. The same Filter drives list, count,
// mass edit, delete and export, so that they all mean the same set.
type Filter struct {
	SerialFrom, SerialTo *Serial // compared as series, then number
	PIN                  string  // normalised digits
	Status               Status  // "" = any
	Reseller             string  // reseller name, case-insensitive
	AmountFrom, AmountTo *int64  // in 1/10,000 of a major unit (BoundDigits), any currency; inclusive
	ExpiryFrom, ExpiryTo time.Time
	Client               string // case-insensitive substring of "activated by"
	ActivatedFrom        time.Time
	ActivatedTo          time.Time
	Batch                int64         // 0 = any
	IDs                  []int64       // the selected rows; nil = any
	Printed              PrintedFilter // "" = any
}

// PrintedFilter selects cards by whether they were ever printed on a
// voucher sheet (a print run).
type PrintedFilter string

// The Printed filter's values.
const (
	PrintedAny PrintedFilter = ""
	PrintedYes PrintedFilter = "yes" // printed at least once
	PrintedNo  PrintedFilter = "no"  // never printed
)

// ParsePrinted reads the Printed filter as a person types it: yes or
// printed, no or never (or "never printed"), in any case. The empty string
// is refused: leave the filter out to mean any card.
func ParsePrinted(s string) (PrintedFilter, error) {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "yes", "printed":
		return PrintedYes, nil
	case "no", "never", "never printed":
		return PrintedNo, nil
	}
	return "", errf(ErrInvalid, "printed %q: use yes (printed at least once) or no (never printed)", s)
}

// IsEmpty reports whether f matches every card.
func (f Filter) IsEmpty() bool {
	return f.SerialFrom == nil && f.SerialTo == nil && f.PIN == "" && f.Status == "" && f.Reseller == "" &&
		f.AmountFrom == nil && f.AmountTo == nil && f.ExpiryFrom.IsZero() && f.ExpiryTo.IsZero() &&
		f.Client == "" && f.ActivatedFrom.IsZero() && f.ActivatedTo.IsZero() && f.Batch == 0 && f.IDs == nil &&
		f.Printed == PrintedAny
}

// Validate reports the first contradiction in f, such as a range whose end
// comes before its start.
func (f Filter) Validate() error {
	_, err := f.check()
	return err
}

// check is Validate with the search field the contradiction is keyed by (a
// swapped range: its upper field).
func (f Filter) check() (Field, error) {
	if f.SerialFrom != nil && f.SerialTo != nil &&
		(f.SerialFrom.Series > f.SerialTo.Series || f.SerialFrom.Series == f.SerialTo.Series && f.SerialFrom.Number > f.SerialTo.Number) {
		return FieldSerialTo, errf(ErrInvalid, "serial range: %s comes after %s; swap them", f.SerialFrom, f.SerialTo)
	}
	if f.AmountFrom != nil && f.AmountTo != nil && *f.AmountFrom > *f.AmountTo {
		return FieldAmountTo, errf(ErrInvalid, "amount range: %s is more than %s; swap them", FormatBound(*f.AmountFrom), FormatBound(*f.AmountTo))
	}
	if !f.ExpiryFrom.IsZero() && !f.ExpiryTo.IsZero() && f.ExpiryFrom.After(f.ExpiryTo) {
		return FieldExpiryTo, errf(ErrInvalid, "expiry date range: the start comes after the end; swap them")
	}
	if !f.ActivatedFrom.IsZero() && !f.ActivatedTo.IsZero() && f.ActivatedFrom.After(f.ActivatedTo) {
		return FieldActivatedTo, errf(ErrInvalid, "activation date range: the start comes after the end; swap them")
	}
	if f.Status != "" {
		if _, err := ParseStatus(string(f.Status)); err != nil {
			return FieldStatus, err
		}
	}
	if f.Batch < 0 {
		return FieldBatch, errf(ErrInvalid, "batch %d: a batch number is positive", f.Batch)
	}
	if err := CheckText("client", f.Client); err != nil {
		return FieldClient, err
	}
	if err := CheckText("reseller", f.Reseller); err != nil {
		return FieldReseller, err
	}
	switch f.Printed {
	case PrintedAny, PrintedYes, PrintedNo:
	default:
		return FieldPrinted, errf(ErrInvalid, "printed %q: use yes (printed at least once) or no (never printed)", string(f.Printed))
	}
	return "", nil
}

// Describe says in words which cards f selects, for the history and the
// export summary.
func (f Filter) Describe() string {
	var parts []string
	day := Plain.DateTime
	rng := func(what string, from, to string) {
		switch {
		case from != "" && to != "":
			parts = append(parts, fmt.Sprintf("%s %s to %s", what, from, to))
		case from != "":
			parts = append(parts, fmt.Sprintf("%s from %s", what, from))
		case to != "":
			parts = append(parts, fmt.Sprintf("%s up to %s", what, to))
		}
	}
	var sf, st string
	if f.SerialFrom != nil {
		sf = f.SerialFrom.String()
	}
	if f.SerialTo != nil {
		st = f.SerialTo.String()
	}
	rng("serial", sf, st)
	if f.PIN != "" {
		parts = append(parts, "PIN "+MaskPIN(f.PIN))
	}
	if f.Status != "" {
		parts = append(parts, "status "+string(f.Status))
	}
	if f.Reseller != "" {
		parts = append(parts, fmt.Sprintf("reseller %q", f.Reseller))
	}
	var af, at string
	if f.AmountFrom != nil {
		af = FormatBound(*f.AmountFrom)
	}
	if f.AmountTo != nil {
		at = FormatBound(*f.AmountTo)
	}
	rng("amount", af, at)
	var ef, et, cf, ct string
	if !f.ExpiryFrom.IsZero() {
		ef = day(f.ExpiryFrom)
	}
	if !f.ExpiryTo.IsZero() {
		et = day(f.ExpiryTo)
	}
	rng("expiry", ef, et)
	if f.Client != "" {
		parts = append(parts, fmt.Sprintf("client contains %q", f.Client))
	}
	if !f.ActivatedFrom.IsZero() {
		cf = day(f.ActivatedFrom)
	}
	if !f.ActivatedTo.IsZero() {
		ct = day(f.ActivatedTo)
	}
	rng("activated", cf, ct)
	if f.Batch != 0 {
		parts = append(parts, fmt.Sprintf("batch %d", f.Batch))
	}
	if f.IDs != nil {
		parts = append(parts, fmt.Sprintf("%d selected cards", len(f.IDs)))
	}
	switch f.Printed {
	case PrintedYes:
		parts = append(parts, "printed")
	case PrintedNo:
		parts = append(parts, "never printed")
	}
	if len(parts) == 0 {
		return "all cards"
	}
	return strings.Join(parts, ", ")
}

// Column names a sortable column; the names are those of `list --format csv`.
type Column string

// The sortable columns.
const (
	ColStatus      Column = "status"
	ColSerial      Column = "serial"
	ColAmount      Column = "amount"
	ColCurrency    Column = "currency"
	ColPIN         Column = "pin"
	ColReseller    Column = "reseller"
	ColExpiresAt   Column = "expires_at"
	ColActivatedBy Column = "activated_by"
	ColActivatedAt Column = "activated_at"
	ColCreatedAt   Column = "created_at"
	ColBatch       Column = "batch"
	ColPrinted     Column = "printed" // times printed
)

// Columns lists the sortable columns in the order of the CSV header. New
// columns go at the end, so that the header's existing order never changes.
var Columns = []Column{ColStatus, ColSerial, ColAmount, ColCurrency, ColPIN, ColReseller, ColExpiresAt,
	ColActivatedBy, ColActivatedAt, ColCreatedAt, ColBatch, ColPrinted}

// Sort is an order of the cards: a column and a direction. The zero Sort is
// by serial, ascending. Ties are broken by the card's id.
type Sort struct {
	Column Column
	Desc   bool
}

// ParseSort reads "COLUMN" or "COLUMN:desc" (or ":asc").
func ParseSort(s string) (Sort, error) {
	col, dir, _ := strings.Cut(strings.TrimSpace(s), ":")
	var out Sort
	switch strings.ToLower(dir) {
	case "", "asc":
	case "desc":
		out.Desc = true
	default:
		return Sort{}, errf(ErrInvalid, "sort %q: the direction after the colon is asc or desc", s)
	}
	for _, c := range Columns {
		if Column(strings.ToLower(col)) == c {
			out.Column = c
			return out, nil
		}
	}
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = string(c)
	}
	return Sort{}, errf(ErrInvalid, "sort %q: the column is one of %s", s, strings.Join(names, ", "))
}
