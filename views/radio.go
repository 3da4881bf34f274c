package views

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keyRadio is a group of radio buttons in a dialog, like widget.RadioGroup
// (whose buttons cannot be told to pass keys on): a click or Space chooses
// a button, Escape and Enter go to the dialog.
type keyRadio struct {
	widget.BaseWidget
	keys *dialogKeys

	Options    []string
	Selected   string
	Horizontal bool
	OnChanged  func(string)

	disabled bool
	choices  []*radioChoice
}

// radio makes a radio group of the dialog.
func (k *dialogKeys) radio(options []string, changed func(string)) *keyRadio {
	r := &keyRadio{keys: k, Options: options, OnChanged: changed}
	for _, o := range options {
		r.choices = append(r.choices, newRadioChoice(r, o))
	}
	r.ExtendBaseWidget(r)
	return r
}

// SetSelected chooses option (and tells OnChanged when it is a change).
func (r *keyRadio) SetSelected(option string) {
	if option == r.Selected {
		return
	}
	r.Selected = option
	for _, c := range r.choices {
		c.Refresh()
	}
	if r.OnChanged != nil {
		r.OnChanged(option)
	}
}

// Enable lets the person choose.
func (r *keyRadio) Enable() { r.setDisabled(false) }

// Disable greys the buttons out.
func (r *keyRadio) Disable() { r.setDisabled(true) }

// Disabled says whether the buttons are greyed out.
func (r *keyRadio) Disabled() bool { return r.disabled }

func (r *keyRadio) setDisabled(d bool) {
	if r.disabled == d {
		return
	}
	r.disabled = d
	for _, c := range r.choices {
		c.Refresh()
	}
}

// CreateRenderer lays the buttons in a row or a column.
func (r *keyRadio) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(r.choices))
	for i, c := range r.choices {
		objs[i] = c
	}
	box := container.NewVBox(objs...)
	if r.Horizontal {
		box = container.NewHBox(objs...)
	}
	return widget.NewSimpleRenderer(box)
}

// radioChoice is one button of a keyRadio.
type radioChoice struct {
	widget.BaseWidget
	group   *keyRadio
	option  string
	focused bool
}

func newRadioChoice(g *keyRadio, option string) *radioChoice {
	c := &radioChoice{group: g, option: option}
	c.ExtendBaseWidget(c)
	return c
}

func (c *radioChoice) choose() {
	if !c.group.disabled {
		c.group.SetSelected(c.option)
	}
}

// Tapped chooses the button and takes the focus.
func (c *radioChoice) Tapped(*fyne.PointEvent) {
	if c.group.disabled {
		return
	}
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil {
		cv.Focus(c)
	}
	c.choose()
}

// FocusGained shows the focus.
func (c *radioChoice) FocusGained() { c.focused = true; c.Refresh() }

// FocusLost hides the focus.
func (c *radioChoice) FocusLost() { c.focused = false; c.Refresh() }

// TypedRune chooses the button on a space.
func (c *radioChoice) TypedRune(r rune) {
	if r == ' ' {
		c.choose()
	}
}

// TypedKey passes Escape and Enter to the dialog.
func (c *radioChoice) TypedKey(ev *fyne.KeyEvent) { c.group.keys.handle(ev) }

// CreateRenderer draws the round button and its label.
func (c *radioChoice) CreateRenderer() fyne.WidgetRenderer {
	icon := widget.NewIcon(nil)
	label := widget.NewLabel(c.option)
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize()
	r := &radioChoiceRenderer{c: c, icon: icon, label: label, bg: bg,
		box: container.NewStack(bg, container.NewHBox(icon, label))}
	r.Refresh()
	return r
}

type radioChoiceRenderer struct {
	c     *radioChoice
	icon  *widget.Icon
	label *widget.Label
	bg    *canvas.Rectangle
	box   *fyne.Container
}

func (r *radioChoiceRenderer) Layout(s fyne.Size)           { r.box.Resize(s) }
func (r *radioChoiceRenderer) MinSize() fyne.Size           { return r.box.MinSize() }
func (r *radioChoiceRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.box} }
func (r *radioChoiceRenderer) Destroy()                     {}

func (r *radioChoiceRenderer) Refresh() {
	res := theme.RadioButtonIcon()
	if r.c.group.Selected == r.c.option {
		res = theme.RadioButtonCheckedIcon()
		if !r.c.group.disabled {
			res = theme.NewPrimaryThemedResource(res)
		}
	}
	r.label.Importance = widget.MediumImportance
	if r.c.group.disabled {
		res = theme.NewDisabledResource(res)
		r.label.Importance = widget.LowImportance
	}
	r.icon.SetResource(res)
	r.label.Refresh()
	r.bg.FillColor = color.Transparent
	if r.c.focused {
		r.bg.FillColor = theme.Color(theme.ColorNameFocus)
	}
	r.bg.Refresh()
}
