package views

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// DateField is an optional date: typed in the locale's order or as ISO
// YYYY-MM-DD (either with a time), or picked from a calendar. Unlike
// widget.DateEntry it may stay empty.
type DateField struct {
	widget.BaseWidget
	Entry   *widget.Entry
	Button  *widget.Button
	win     fyne.Window
	popup   *widget.PopUp
	label   string   // what the placeholder says before the formats: "from"
	short   bool     // the placeholder names the locale's form alone (a narrow field)
	formats *Formats // the locale it reads and writes (nil: the default)
	// input and button are what is laid out: Entry and Button inside
	// widgets that pass Escape and Enter to the dialog the field is in.
	input  *keyEntry
	button *keyButton
}

// NewDateField makes an empty date field; pop-ups open in win. The
// placeholder says label and the formats the field takes.
func NewDateField(win fyne.Window, label string) *DateField {
	d := &DateField{win: win, label: label}
	d.input = (*dialogKeys)(nil).entry()
	d.button = (*dialogKeys)(nil).button("", theme.CalendarIcon(), d.openCalendar)
	d.Entry, d.Button = &d.input.Entry, &d.button.Button
	d.setPlaceholder()
	d.ExtendBaseWidget(d)
	return d
}

// inDialog makes the field pass Escape and Enter to a dialog's keys.
func (d *DateField) inDialog(k *dialogKeys) *DateField {
	d.input.keys, d.button.keys = k, k
	return d
}

// focusable is what takes the cursor when the field is focused.
func (d *DateField) focusable() fyne.Focusable { return d.input }

// CreateRenderer lays the entry and its calendar button side by side.
func (d *DateField) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, d.button, d.input))
}

// setFormats makes the field read and write the locale of f.
func (d *DateField) setFormats(f *Formats) {
	d.formats = f
	d.setPlaceholder()
}

// setPlaceholder says the label and the formats the field takes: "optional
// · MM/DD/YYYY or YYYY-MM-DD", or in a narrow field "from MM/DD/YYYY" (its
// error message names ISO too).
func (d *DateField) setPlaceholder() {
	l := d.formats.Locale()
	ph := l.DatePlaceholder()
	if d.short {
		ph, _, _ = strings.Cut(ph, " or ")
	}
	switch {
	case d.label != "" && d.short:
		ph = d.label + " " + ph
	case d.label != "":
		ph = d.label + " · " + ph
	}
	d.Entry.SetPlaceHolder(ph)
}

func (d *DateField) openCalendar() {
	start := time.Now()
	l := d.formats.Locale()
	if t, err := l.ParseDate(d.Entry.Text, false, time.Local); err == nil {
		start = t
	}
	cal := widget.NewCalendar(start, func(t time.Time) {
		d.Entry.SetText(l.Date(t))
		if d.popup != nil {
			d.popup.Hide()
		}
		if d.Entry.OnSubmitted != nil {
			// Picking a date is like typing it: validate, don't search.
			d.Entry.Validate()
		}
		d.win.Canvas().Focus(d.input)
	})
	c := d.win.Canvas()
	d.popup = widget.NewPopUp(cal, c)
	d.popup.ShowAtPosition(calendarPosition(fyne.CurrentApp().Driver().AbsolutePositionForObject(d.input),
		d.input.Size(), d.popup.MinSize(), c.Size()))
	// Escape closes the calendar (and only the calendar).
	p := d.popup
	pushKeys(c, p.Visible, func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			p.Hide()
			d.win.Canvas().Focus(d.input)
		}
	})
}

// calendarPosition is where a calendar of size cal opens for a field at pos
// of size field in a window of size win: under the field when it fits
// there, else above it, else as low as the window allows; never past the
// window's right edge.
func calendarPosition(pos fyne.Position, field, cal, win fyne.Size) fyne.Position {
	below := pos.Y + field.Height
	switch {
	case below+cal.Height <= win.Height:
		pos.Y = below
	case pos.Y-cal.Height >= 0:
		pos.Y -= cal.Height
	default:
		pos.Y = max(0, win.Height-cal.Height)
	}
	if pos.X+cal.Width > win.Width {
		pos.X = max(0, win.Width-cal.Width)
	}
	return pos
}

// Date parses the field: zero for empty, the start of the day (or with
// endOfDay its last second) for a bare date.
func (d *DateField) Date(endOfDay bool) (time.Time, error) {
	if strings.TrimSpace(d.Entry.Text) == "" {
		return time.Time{}, nil
	}
	return d.formats.Locale().ParseDate(d.Entry.Text, endOfDay, time.Local)
}

// fieldRow is one labelled row of a form: its inputs side by side and an
// error line under them that appears only when something is wrong.
type fieldRow struct {
	Label  *widget.Label
	Error  *widget.Label
	inputs []fyne.CanvasObject
}

func newFieldRow(title string, inputs ...fyne.CanvasObject) *fieldRow {
	l := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e := widget.NewLabel("")
	e.Importance = widget.DangerImportance
	e.Wrapping = fyne.TextWrapWord
	e.Hide()
	return &fieldRow{Label: l, Error: e, inputs: inputs}
}

// object lays out the row.
func (r *fieldRow) object() fyne.CanvasObject {
	var row fyne.CanvasObject
	if len(r.inputs) == 1 {
		row = r.inputs[0]
	} else {
		row = container.NewGridWithColumns(len(r.inputs), r.inputs...)
	}
	return container.NewVBox(r.Label, row, r.Error)
}

// setError shows err under the row (nil hides it).
func (r *fieldRow) setError(err error) {
	if err == nil {
		r.Error.SetText("")
		r.Error.Hide()
		return
	}
	r.Error.SetText(personMessage(err))
	r.Error.Show()
}

// personMessage is err's text with the sentinel suffix a person needs not
// read (": invalid input").
func personMessage(err error) string {
	msg := err.Error()
	for _, s := range []error{data.ErrInvalid, data.ErrNotFound} {
		if errors.Is(err, s) {
			msg = strings.TrimSuffix(msg, ": "+s.Error())
		}
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}

// markEntry marks an entry invalid with err (nil clears it).
func markEntry(e *widget.Entry, err error) {
	if err == nil {
		e.SetValidationError(nil)
		return
	}
	e.SetValidationError(err)
}
