package views

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// Choices of the search's selects.
const (
	anyChoice     = "Any"
	printedNever  = "Never printed"
	printedBefore = "Printed before"
)

// SearchPanel is the seed's Advanced Search: every field narrows the table.
type SearchPanel struct {
	widget.BaseWidget

	SerialFrom, SerialTo   *widget.Entry
	PIN                    *widget.Entry
	Status                 *widget.Select
	Reseller               *widget.Select
	AmountFrom, AmountTo   *widget.Entry
	ExpiryFrom, ExpiryTo   *DateField
	Client                 *widget.Entry
	ActivatedFrom          *DateField
	ActivatedTo            *DateField
	Batch                  *widget.Select
	Printed                *widget.Select
	SearchButton, ResetBtn *widget.Button

	rows    map[string]*fieldRow
	batches map[string]int64
	content fyne.CanvasObject

	// searched is the text of the last search run; quiet is set while the
	// choices are filled in by the program, not chosen by the person.
	searched data.FilterText
	quiet    bool

	// OnSearch is told the filter when the person searches; OnReset too.
	OnSearch func(data.Filter)
	// OnInvalid is told the error when a search is refused (a field is
	// wrong): what the table shows is then the previous search.
	OnInvalid func(error)

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// rowOf is the sidebar row that shows the error of each search field.
var rowOf = map[data.Field]string{
	data.FieldSerialFrom: "serial", data.FieldSerialTo: "serial", data.FieldPIN: "pin",
	data.FieldStatus: "status", data.FieldReseller: "reseller", data.FieldAmountFrom: "amount",
	data.FieldAmountTo: "amount", data.FieldExpiryFrom: "expiry", data.FieldExpiryTo: "expiry",
	data.FieldClient: "client", data.FieldActivatedFrom: "activated", data.FieldActivatedTo: "activated",
	data.FieldBatch: "batch", data.FieldPrinted: "printed",
}

// rowOrder is the order of the sidebar's rows.
var rowOrder = []string{"serial", "pin", "status", "reseller", "amount", "expiry", "client", "activated", "batch", "printed"}

// NewSearchPanel builds the panel; pop-ups open in win.
func NewSearchPanel(win fyne.Window) *SearchPanel {
	p := &SearchPanel{rows: map[string]*fieldRow{}, batches: map[string]int64{}}
	entry := func(ph string, validate func(string) error) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(ph)
		e.Validator = func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil
			}
			return validate(s)
		}
		e.OnSubmitted = func(string) { p.Submit() }
		return e
	}
	serial := func(upper bool) func(string) error {
		return func(s string) error { _, err := data.ParseSerial(s, upper); return err }
	}
	amount := func(s string) error { _, err := p.formats.Locale().ParseAmountBound(s); return err }
	p.SerialFrom = entry("from", serial(false))
	p.SerialTo = entry("to", serial(true))
	p.PIN = entry("digits", func(s string) error { _, err := data.NormalizePIN(s); return err })
	// A choice searches at once, as a person expects of a drop-down.
	chosen := func(string) {
		if !p.quiet {
			p.Submit()
		}
	}
	p.quiet = true
	defer func() { p.quiet = false }()
	p.Status = widget.NewSelect(append([]string{anyChoice}, statusNames()...), chosen)
	p.Status.SetSelectedIndex(0)
	p.Reseller = widget.NewSelect([]string{anyChoice}, chosen)
	p.Reseller.SetSelectedIndex(0)
	p.AmountFrom = entry("from", amount)
	p.AmountTo = entry("to", amount)
	date := func(ph string, end bool) *DateField {
		d := NewDateField(win, ph)
		d.short = true // the sidebar is narrow
		d.Entry.Validator = func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil
			}
			_, err := p.formats.Locale().ParseDate(s, end, time.Local)
			return err
		}
		d.Entry.OnSubmitted = func(string) { p.Submit() }
		return d
	}
	p.ExpiryFrom, p.ExpiryTo = date("from", false), date("to", true)
	p.Client = entry("name contains", func(string) error { return nil })
	p.ActivatedFrom, p.ActivatedTo = date("from", false), date("to", true)
	p.Batch = widget.NewSelect([]string{anyChoice}, chosen)
	p.Batch.SetSelectedIndex(0)
	p.Printed = widget.NewSelect([]string{anyChoice, printedNever, printedBefore}, chosen)
	p.Printed.SetSelectedIndex(0)
	p.SearchButton = widget.NewButtonWithIcon("Search", theme.SearchIcon(), p.Submit)
	p.SearchButton.Importance = widget.HighImportance
	p.ResetBtn = widget.NewButtonWithIcon("Reset", theme.ContentClearIcon(), p.Reset)

	add := func(key, title string, inputs ...fyne.CanvasObject) fyne.CanvasObject {
		r := newFieldRow(title, inputs...)
		p.rows[key] = r
		return r.object()
	}
	title := widget.NewLabelWithStyle("Advanced Search", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	form := container.NewVBox(
		title,
		// One serial a line: a whole serial fits the sidebar.
		add("serial", "Serial Number", container.NewVBox(p.SerialFrom, p.SerialTo)),
		add("pin", "PIN Code", p.PIN),
		add("status", "Status", p.Status),
		add("reseller", "Reseller", p.Reseller),
		add("amount", "Amount", p.AmountFrom, p.AmountTo),
		add("expiry", "Expiry Date", container.NewVBox(p.ExpiryFrom, p.ExpiryTo)),
		add("client", "Client", p.Client),
		add("activated", "Activation Date", container.NewVBox(p.ActivatedFrom, p.ActivatedTo)),
		add("batch", "Batch", p.Batch),
		add("printed", "Printed", p.Printed),
	)
	buttons := container.NewGridWithColumns(2, p.ResetBtn, p.SearchButton)
	// Room on the right so the scroll bar never covers a field.
	padded := container.NewBorder(nil, nil, nil, layoutGap(theme.Padding()*3), form)
	p.content = container.NewBorder(nil, buttons, nil, nil, newWheelScroll(padded))
	p.ExtendBaseWidget(p)
	return p
}

func statusNames() []string {
	out := make([]string, len(data.Statuses))
	for i, s := range data.Statuses {
		out[i] = string(s)
	}
	return out
}

// CreateRenderer shows the form with its buttons at the bottom.
func (p *SearchPanel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// SetResellers fills the Reseller choices, keeping the current choice.
func (p *SearchPanel) SetResellers(rs []data.Reseller) {
	opts := []string{anyChoice}
	for _, r := range rs {
		opts = append(opts, r.Name)
	}
	p.quiet = true
	defer func() { p.quiet = false }()
	cur := p.Reseller.Selected
	p.Reseller.SetOptions(opts)
	p.Reseller.SetSelected(cur)
	if p.Reseller.SelectedIndex() < 0 {
		p.Reseller.SetSelectedIndex(0)
	}
}

// setFormats makes the panel read amounts and dates in f's locale.
func (p *SearchPanel) setFormats(f *Formats) {
	p.formats = f
	for _, d := range []*DateField{p.ExpiryFrom, p.ExpiryTo, p.ActivatedFrom, p.ActivatedTo} {
		d.setFormats(f)
	}
}

// BatchLabel is how a batch appears in choices, its amount in locale l.
func BatchLabel(b data.Batch, l data.Locale) string {
	return fmt.Sprintf("#%d: %s–%s, %d × %s", b.ID, b.FirstSerial(), b.LastSerial().String()[len(b.Series)+1:], b.Quantity, l.Amount(b.Amount))
}

// SetBatches fills the Batch choices, newest first.
func (p *SearchPanel) SetBatches(bs []data.Batch) {
	opts := []string{anyChoice}
	p.batches = map[string]int64{}
	for _, b := range bs {
		l := BatchLabel(b, p.formats.Locale())
		p.batches[l] = b.ID
		opts = append(opts, l)
	}
	p.quiet = true
	defer func() { p.quiet = false }()
	cur := p.Batch.Selected
	p.Batch.SetOptions(opts)
	p.Batch.SetSelected(cur)
	if p.Batch.SelectedIndex() < 0 {
		p.Batch.SetSelectedIndex(0)
	}
}

// SelectBatch chooses batch id in the Batch field and clears the others.
func (p *SearchPanel) SelectBatch(id int64) {
	p.clear()
	p.quiet = true
	defer func() { p.quiet = false }()
	for l, b := range p.batches {
		if b == id {
			p.Batch.SetSelected(l)
		}
	}
	p.searched = p.Text()
}

// Text is the search as typed in the fields.
func (p *SearchPanel) Text() data.FilterText {
	t := data.FilterText{}
	for k, e := range p.entries() {
		t[k] = e.Text
	}
	if i := p.Status.SelectedIndex(); i > 0 {
		t[data.FieldStatus] = p.Status.Selected
	}
	if i := p.Reseller.SelectedIndex(); i > 0 {
		t[data.FieldReseller] = p.Reseller.Selected
	}
	if i := p.Batch.SelectedIndex(); i > 0 {
		t[data.FieldBatch] = fmt.Sprint(p.batches[p.Batch.Selected])
	}
	switch p.Printed.Selected {
	case printedNever:
		t[data.FieldPrinted] = string(data.PrintedNo)
	case printedBefore:
		t[data.FieldPrinted] = string(data.PrintedYes)
	}
	for k, v := range t {
		if strings.TrimSpace(v) == "" {
			delete(t, k)
		}
	}
	return t
}

// entries are the typed fields by the search field they hold.
func (p *SearchPanel) entries() map[data.Field]*widget.Entry {
	return map[data.Field]*widget.Entry{
		data.FieldSerialFrom: p.SerialFrom, data.FieldSerialTo: p.SerialTo, data.FieldPIN: p.PIN,
		data.FieldAmountFrom: p.AmountFrom, data.FieldAmountTo: p.AmountTo,
		data.FieldExpiryFrom: p.ExpiryFrom.Entry, data.FieldExpiryTo: p.ExpiryTo.Entry, data.FieldClient: p.Client,
		data.FieldActivatedFrom: p.ActivatedFrom.Entry, data.FieldActivatedTo: p.ActivatedTo.Entry,
	}
}

// Filter reads the fields into a filter with the domain's one reading of a
// search (data.ParseFilterIn, in the panel's locale). Every invalid field is
// marked with the reason, and the first error is returned.
func (p *SearchPanel) Filter() (data.Filter, error) {
	f, err := data.ParseFilterIn(p.Text(), p.formats.Locale())
	var es data.FieldErrors
	errors.As(err, &es)
	for k, e := range p.entries() {
		markEntry(e, es.Of(k))
	}
	rowErr := map[string]error{}
	for _, e := range es {
		if key := rowOf[e.Field]; rowErr[key] == nil {
			rowErr[key] = e.Err
		}
	}
	for _, key := range rowOrder {
		p.rows[key].setError(rowErr[key])
	}
	return f, err
}

// Submit searches with the fields as they are, unless one is invalid.
func (p *SearchPanel) Submit() {
	f, err := p.Filter()
	if err != nil {
		if p.OnInvalid != nil {
			p.OnInvalid(err)
		}
		return
	}
	p.searched = p.Text()
	if p.OnSearch != nil {
		p.OnSearch(f)
	}
}

// Edited reports whether the fields were changed since the last search ran:
// what the table shows (and Mass Edit acts on) is not what they say.
func (p *SearchPanel) Edited() bool { return !maps.Equal(p.Text(), p.searched) }

// Clear empties the fields of the given search fields and searches again
// (the × of a filter chip).
func (p *SearchPanel) Clear(fields ...data.Field) {
	p.quiet = true
	es := p.entries()
	for _, k := range fields {
		switch k {
		case data.FieldStatus:
			p.Status.SetSelectedIndex(0)
		case data.FieldReseller:
			p.Reseller.SetSelectedIndex(0)
		case data.FieldBatch:
			p.Batch.SetSelectedIndex(0)
		case data.FieldPrinted:
			p.Printed.SetSelectedIndex(0)
		default:
			if e := es[k]; e != nil {
				e.SetText("")
				e.SetValidationError(nil)
			}
		}
	}
	p.quiet = false
	p.Submit()
}

func (p *SearchPanel) clear() {
	for _, e := range []*widget.Entry{p.SerialFrom, p.SerialTo, p.PIN, p.AmountFrom, p.AmountTo, p.Client,
		p.ExpiryFrom.Entry, p.ExpiryTo.Entry, p.ActivatedFrom.Entry, p.ActivatedTo.Entry} {
		e.SetText("")
		e.SetValidationError(nil)
	}
	p.quiet = true
	defer func() { p.quiet = false }()
	p.Status.SetSelectedIndex(0)
	p.Reseller.SetSelectedIndex(0)
	p.Batch.SetSelectedIndex(0)
	p.Printed.SetSelectedIndex(0)
	for _, r := range p.rows {
		r.setError(nil)
	}
}

// Reset clears every field and searches again (all cards).
func (p *SearchPanel) Reset() {
	p.clear()
	p.searched = p.Text()
	if p.OnSearch != nil {
		p.OnSearch(data.Filter{})
	}
}
