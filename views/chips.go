package views

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// chip is one active part of a search, shown above the table with a ×
// that removes it: the fields it clears.
type chip struct {
	label  string
	fields []data.Field
}

// filterChips says in short words what each active part of f selects, in
// the sidebar's order, amounts and dates in locale l; hidePIN masks a PIN.
func filterChips(f data.Filter, hidePIN bool, l data.Locale) []chip {
	var out []chip
	add := func(label string, fields ...data.Field) { out = append(out, chip{label, fields}) }
	rng := func(what, from, to string, ff, ft data.Field) {
		switch {
		case from != "" && to != "":
			add(fmt.Sprintf("%s %s – %s", what, from, to), ff, ft)
		case from != "":
			add(fmt.Sprintf("%s from %s", what, from), ff)
		case to != "":
			add(fmt.Sprintf("%s up to %s", what, to), ft)
		}
	}
	str := func(s *data.Serial) string {
		if s == nil {
			return ""
		}
		if s.Number == 0 || s.Number == data.MaxSerialNumber {
			return "series " + s.Series
		}
		return s.String()
	}
	rng("Serial", str(f.SerialFrom), str(f.SerialTo), data.FieldSerialFrom, data.FieldSerialTo)
	if f.PIN != "" {
		pin := data.GroupPIN(f.PIN)
		if hidePIN {
			pin = data.MaskPIN(f.PIN)
		}
		add("PIN "+pin, data.FieldPIN)
	}
	if f.Status != "" {
		add("Status: "+string(f.Status), data.FieldStatus)
	}
	if f.Reseller != "" {
		add("Reseller: "+f.Reseller, data.FieldReseller)
	}
	amt := func(v *int64) string {
		if v == nil {
			return ""
		}
		return l.Bound(*v)
	}
	rng("Amount", amt(f.AmountFrom), amt(f.AmountTo), data.FieldAmountFrom, data.FieldAmountTo)
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return l.Date(t)
	}
	rng("Expires", day(f.ExpiryFrom), day(f.ExpiryTo), data.FieldExpiryFrom, data.FieldExpiryTo)
	if f.Client != "" {
		add(fmt.Sprintf("Client contains “%s”", f.Client), data.FieldClient)
	}
	rng("Activated", day(f.ActivatedFrom), day(f.ActivatedTo), data.FieldActivatedFrom, data.FieldActivatedTo)
	if f.Batch != 0 {
		add(fmt.Sprintf("Batch #%d", f.Batch), data.FieldBatch)
	}
	switch f.Printed {
	case data.PrintedNo:
		add("Never printed", data.FieldPrinted)
	case data.PrintedYes:
		add("Printed before", data.FieldPrinted)
	}
	return out
}

// chipBar shows the active search as chips above the table, so that a
// filter set elsewhere (Generate shows its new batch) is seen and removed
// where the rows are.
type chipBar struct {
	box    *fyne.Container
	bar    *fyne.Container
	chips  []*widget.Button
	clear  func(fields ...data.Field)
	labels []string
}

func newChipBar(clear func(fields ...data.Field)) *chipBar {
	c := &chipBar{box: container.NewHBox(), clear: clear}
	c.bar = container.NewBorder(nil, nil, widget.NewLabel("Showing:"), nil, container.NewHScroll(c.box))
	c.bar.Hide()
	return c
}

// set shows chips for f (none: the bar hides).
func (c *chipBar) set(f data.Filter, hidePIN bool, l data.Locale) {
	cs := filterChips(f, hidePIN, l)
	c.box.RemoveAll()
	c.chips, c.labels = nil, nil
	for _, ch := range cs {
		fields := ch.fields
		b := widget.NewButtonWithIcon(ch.label, theme.CancelIcon(), func() { c.clear(fields...) })
		b.IconPlacement = widget.ButtonIconTrailingText
		c.box.Add(b)
		c.chips = append(c.chips, b)
		c.labels = append(c.labels, ch.label)
	}
	if len(cs) > 1 {
		var all []data.Field
		for _, ch := range cs {
			all = append(all, ch.fields...)
		}
		b := widget.NewButton("Clear all", func() { c.clear(all...) })
		b.Importance = widget.LowImportance
		c.box.Add(b)
	}
	if len(cs) == 0 {
		c.bar.Hide()
	} else {
		c.bar.Show()
	}
	c.bar.Refresh()
}
