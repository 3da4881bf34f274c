package views

import (
	"fmt"
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
	Company                *widget.Select
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

	// OnSearch is told the filter when the person searches; OnReset too.
	OnSearch func(data.Filter)
}

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
	amount := func(s string) error { _, err := data.ParseAmountBound(s); return err }
	p.SerialFrom = entry("from", serial(false))
	p.SerialTo = entry("to", serial(true))
	p.PIN = entry("digits", func(s string) error { _, err := data.NormalizePIN(s); return err })
	p.Status = widget.NewSelect(append([]string{anyChoice}, statusNames()...), nil)
	p.Status.SetSelectedIndex(0)
	p.Company = widget.NewSelect([]string{anyChoice}, nil)
	p.Company.SetSelectedIndex(0)
	p.AmountFrom = entry("from", amount)
	p.AmountTo = entry("to", amount)
	date := func(ph string, end bool) *DateField {
		d := NewDateField(win, ph)
		d.Entry.Validator = func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil
			}
			_, err := data.ParseDate(s, end, time.Local)
			return err
		}
		d.Entry.OnSubmitted = func(string) { p.Submit() }
		return d
	}
	p.ExpiryFrom, p.ExpiryTo = date("from", false), date("to", true)
	p.Client = entry("name contains", func(string) error { return nil })
	p.ActivatedFrom, p.ActivatedTo = date("from", false), date("to", true)
	p.Batch = widget.NewSelect([]string{anyChoice}, nil)
	p.Batch.SetSelectedIndex(0)
	p.Printed = widget.NewSelect([]string{anyChoice, printedNever, printedBefore}, nil)
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
		add("serial", "Serial Number", p.SerialFrom, p.SerialTo),
		add("pin", "PIN Code", p.PIN),
		add("status", "Status", p.Status),
		add("company", "Company", p.Company),
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

// SetResellers fills the Company choices, keeping the current choice.
func (p *SearchPanel) SetResellers(rs []data.Reseller) {
	opts := []string{anyChoice}
	for _, r := range rs {
		opts = append(opts, r.Name)
	}
	cur := p.Company.Selected
	p.Company.SetOptions(opts)
	p.Company.SetSelected(cur)
	if p.Company.SelectedIndex() < 0 {
		p.Company.SetSelectedIndex(0)
	}
}

// BatchLabel is how a batch appears in choices.
func BatchLabel(b data.Batch) string {
	return fmt.Sprintf("#%d: %s–%s, %d × %s", b.ID, b.FirstSerial(), b.LastSerial().String()[len(b.Series)+1:], b.Quantity, b.Amount)
}

// SetBatches fills the Batch choices, newest first.
func (p *SearchPanel) SetBatches(bs []data.Batch) {
	opts := []string{anyChoice}
	p.batches = map[string]int64{}
	for _, b := range bs {
		l := BatchLabel(b)
		p.batches[l] = b.ID
		opts = append(opts, l)
	}
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
	for l, b := range p.batches {
		if b == id {
			p.Batch.SetSelected(l)
		}
	}
}

// Filter reads the fields into a filter. Every invalid field is marked with
// the reason, and the first error is returned.
func (p *SearchPanel) Filter() (data.Filter, error) {
	var f data.Filter
	errs := map[string]error{}
	note := func(key string, err error) {
		if err != nil && errs[key] == nil {
			errs[key] = err
		}
	}
	text := func(e *widget.Entry) string { return strings.TrimSpace(e.Text) }
	if s := text(p.SerialFrom); s != "" {
		v, err := data.ParseSerial(s, false)
		markEntry(p.SerialFrom, err)
		note("serial", err)
		f.SerialFrom = &v
	}
	if s := text(p.SerialTo); s != "" {
		v, err := data.ParseSerial(s, true)
		markEntry(p.SerialTo, err)
		note("serial", err)
		f.SerialTo = &v
	}
	if s := text(p.PIN); s != "" {
		v, err := data.NormalizePIN(s)
		markEntry(p.PIN, err)
		note("pin", err)
		f.PIN = v
	}
	if i := p.Status.SelectedIndex(); i > 0 {
		f.Status = data.Statuses[i-1]
	}
	if i := p.Company.SelectedIndex(); i > 0 {
		f.Reseller = p.Company.Selected
	}
	for _, a := range []struct {
		e   *widget.Entry
		dst **int64
	}{{p.AmountFrom, &f.AmountFrom}, {p.AmountTo, &f.AmountTo}} {
		if s := text(a.e); s != "" {
			v, err := data.ParseAmountBound(s)
			markEntry(a.e, err)
			note("amount", err)
			*a.dst = &v
		}
	}
	for _, d := range []struct {
		key string
		f   *DateField
		end bool
		dst *time.Time
	}{{"expiry", p.ExpiryFrom, false, &f.ExpiryFrom}, {"expiry", p.ExpiryTo, true, &f.ExpiryTo},
		{"activated", p.ActivatedFrom, false, &f.ActivatedFrom}, {"activated", p.ActivatedTo, true, &f.ActivatedTo}} {
		v, err := d.f.Date(d.end)
		markEntry(d.f.Entry, err)
		note(d.key, err)
		*d.dst = v
	}
	f.Client = text(p.Client)
	if i := p.Batch.SelectedIndex(); i > 0 {
		f.Batch = p.batches[p.Batch.Selected]
	}
	switch p.Printed.Selected {
	case printedNever:
		f.Printed = data.PrintedNo
	case printedBefore:
		f.Printed = data.PrintedYes
	}
	// Ranges whose ends are swapped.
	if len(errs) == 0 {
		if err := f.Validate(); err != nil {
			msg := err.Error()
			switch {
			case strings.HasPrefix(msg, "serial"):
				markEntry(p.SerialTo, err)
				note("serial", err)
			case strings.HasPrefix(msg, "amount"):
				markEntry(p.AmountTo, err)
				note("amount", err)
			case strings.HasPrefix(msg, "expiry"):
				markEntry(p.ExpiryTo.Entry, err)
				note("expiry", err)
			default:
				markEntry(p.ActivatedTo.Entry, err)
				note("activated", err)
			}
		}
	}
	var first error
	for _, key := range []string{"serial", "pin", "status", "company", "amount", "expiry", "client", "activated", "batch", "printed"} {
		p.rows[key].setError(errs[key])
		if first == nil && errs[key] != nil {
			first = errs[key]
		}
	}
	if first != nil {
		return data.Filter{}, first
	}
	return f, nil
}

// Submit searches with the fields as they are, unless one is invalid.
func (p *SearchPanel) Submit() {
	f, err := p.Filter()
	if err != nil {
		return
	}
	if p.OnSearch != nil {
		p.OnSearch(f)
	}
}

func (p *SearchPanel) clear() {
	for _, e := range []*widget.Entry{p.SerialFrom, p.SerialTo, p.PIN, p.AmountFrom, p.AmountTo, p.Client,
		p.ExpiryFrom.Entry, p.ExpiryTo.Entry, p.ActivatedFrom.Entry, p.ActivatedTo.Entry} {
		e.SetText("")
		e.SetValidationError(nil)
	}
	p.Status.SetSelectedIndex(0)
	p.Company.SetSelectedIndex(0)
	p.Batch.SetSelectedIndex(0)
	p.Printed.SetSelectedIndex(0)
	for _, r := range p.rows {
		r.setError(nil)
	}
}

// Reset clears every field and searches again (all cards).
func (p *SearchPanel) Reset() {
	p.clear()
	if p.OnSearch != nil {
		p.OnSearch(data.Filter{})
	}
}
