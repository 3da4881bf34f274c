package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Every dialog of the app is keyed the same way: Escape closes it (or
// cancels what it is doing), Enter runs its default action, it opens with
// the cursor in its first field, and its content scrolls when the window is
// smaller than the dialog would like to be.
//
// Fyne hands a key to the focused widget, or to the canvas when nothing has
// the focus. So a dialog's keys are two things: a handler pushed on the
// canvas while the dialog is open (for when nothing has the focus, as
// after a button was clicked), and the dialog's inputs, made by the
// dialogKeys methods, which pass Escape and Enter to it instead of
// swallowing them.

// dialogKeys is what Escape and Enter do in one dialog.
type dialogKeys struct {
	// Escape closes the dialog or cancels what it runs.
	Escape func()
	// Enter runs the default action; nil: none.
	Enter func()
}

// handle runs what ev means in the dialog; false: the key is not one of its.
func (k *dialogKeys) handle(ev *fyne.KeyEvent) bool {
	if k == nil {
		return false
	}
	switch ev.Name {
	case fyne.KeyEscape:
		if k.Escape != nil {
			k.Escape()
		}
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		if k.Enter != nil {
			k.Enter()
		}
		return true
	}
	return false
}

// pushKeys makes onKey the canvas's key handler (the keys typed while no
// widget has the focus) for as long as alive says so; then the handler that
// was there before takes over again, at the first key that comes after.
// Pop-ups on pop-ups (a confirmation over a dialog, a calendar in it) stack.
//
// Keys typed while a pop-up that is not ours lies on top (Fyne's file
// dialogs and their questions) are not ours either: they are dropped.
func pushKeys(c fyne.Canvas, alive func() bool, onKey func(*fyne.KeyEvent)) {
	prev := c.OnTypedKey()
	level := len(c.Overlays().List()) // ours is the top one now
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if !alive() {
			c.SetOnTypedKey(prev)
			if prev != nil {
				prev(ev)
			}
			return
		}
		if len(c.Overlays().List()) > level {
			return
		}
		onKey(ev)
	})
}

// keyedDialog is a Fyne dialog with the app's keys, whose content scrolls
// when the window is small.
type keyedDialog struct {
	dialog.Dialog
	win   fyne.Window
	keys  *dialogKeys
	first fyne.Focusable // focused when the dialog opens
	want  fyne.Size      // the size it would like; 0: its minimum
	open  bool
	// scroll holds the content of the app's own dialogs (nil for Fyne's).
	scroll  *container.Scroll
	content fyne.CanvasObject
	buttons fyne.CanvasObject
}

// newKeyedDialog makes a dialog titled title of body, which scrolls when
// the window is too small for it, above buttons, which stay in sight (nil:
// none; the body has them). keys says what Escape and Enter do (Escape
// defaults to closing).
func newKeyedDialog(title string, body, buttons fyne.CanvasObject, keys *dialogKeys, win fyne.Window, want fyne.Size) *keyedDialog {
	d := &keyedDialog{win: win, keys: keys, want: want, scroll: container.NewScroll(body), content: body, buttons: buttons}
	d.Dialog = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, buttons, nil, nil, d.scroll), win)
	d.wire()
	return d
}

// keyed gives a dialog Fyne made (information, error, confirmation) the
// app's keys: Escape dismisses it, Enter runs enter (nil: dismisses it).
func keyed(d dialog.Dialog, win fyne.Window, enter func()) *keyedDialog {
	k := &keyedDialog{Dialog: d, win: win, keys: &dialogKeys{Enter: enter}}
	if enter == nil {
		k.keys.Enter = d.Hide
	}
	k.wire()
	return k
}

func (d *keyedDialog) wire() {
	if d.keys.Escape == nil {
		d.keys.Escape = d.Dismiss
	}
	d.Dialog.SetOnClosed(func() { d.open = false })
}

// Show opens the dialog, fitted to the window, with the cursor in its first
// field and its keys on.
func (d *keyedDialog) Show() {
	d.fit(false)
	d.open = true
	d.Dialog.Show()
	if d.scroll != nil {
		// Wrapped text knows its height only once it has a width: fit again.
		d.fit(true)
	}
	pushKeys(d.win.Canvas(), func() bool { return d.open }, func(ev *fyne.KeyEvent) { d.keys.handle(ev) })
	if d.first != nil {
		d.win.Canvas().Focus(d.first)
	}
}

// fit sizes the dialog: the size it wants, made small enough for the window;
// the body as large as it needs up to what the window has room for, the rest
// scrolls. grow (the body has grown, say by error lines) only ever makes
// the dialog larger.
func (d *keyedDialog) fit(grow bool) {
	if d.scroll == nil {
		return // Fyne's own dialogs size themselves
	}
	win := d.win.Canvas().Size()
	{
		room := fyne.NewSize(win.Width-2*dialogMargin-dialogChrome.Width, win.Height-2*dialogMargin-dialogChrome.Height)
		if d.buttons != nil && d.buttons.Visible() {
			room.Height -= d.buttons.MinSize().Height + 4 // theme padding
		}
		need := d.content.MinSize()
		d.scroll.SetMinSize(fyne.NewSize(max(0, min(need.Width, room.Width)), max(0, min(need.Height, room.Height))))
	}
	want := d.want
	if grow {
		want = fyne.NewSize(max(want.Width, d.Dialog.MinSize().Width), max(want.Height, d.Dialog.MinSize().Height))
	}
	if want.Width > 0 || grow {
		d.Dialog.Resize(fitSize(want, win))
	}
}

// wheelEverywhere makes the wheel scroll the body also over its inputs;
// only for a body without a table or list of its own.
func (d *keyedDialog) wheelEverywhere() { wheelOverInputs(d.scroll, d.content) }

// refit lets an open dialog grow (within the window) to show what its body
// needs now.
func (d *keyedDialog) refit() {
	if d.open {
		d.fit(true)
	}
}

// dialogMargin is the room left around a dialog in a small window.
const dialogMargin = 24

// dialogChrome is what a Fyne dialog adds around its content: the title
// above, padding around.
var dialogChrome = fyne.NewSize(2*32, 80)

// fitSize is want, made small enough for a window of size win.
func fitSize(want, win fyne.Size) fyne.Size {
	if win.Width > 2*dialogMargin {
		want.Width = min(want.Width, win.Width-2*dialogMargin)
	}
	if win.Height > 2*dialogMargin && want.Height > 0 {
		want.Height = min(want.Height, win.Height-2*dialogMargin)
	}
	return want
}

// showInfo shows an information with OK; Enter and Escape close it.
func showInfo(title, message string, win fyne.Window) *keyedDialog {
	d := keyed(dialog.NewInformation(title, message, win), win, nil)
	d.Show()
	return d
}

// showError shows err with OK; Enter and Escape close it.
func showError(err error, win fyne.Window) *keyedDialog {
	d := keyed(dialog.NewError(err, win), win, nil)
	d.Show()
	return d
}

// newConfirm asks a question: Enter answers yes (confirm names the
// button), Escape no.
func newConfirm(title, message, confirm string, onAnswer func(bool), win fyne.Window) (*keyedDialog, *dialog.ConfirmDialog) {
	c := dialog.NewConfirm(title, message, onAnswer, win)
	if confirm != "" {
		c.SetConfirmText(confirm)
	}
	return keyed(c, win, c.Confirm), c
}

// The inputs of a keyed dialog: the Fyne widgets, passing Escape and Enter
// to the dialog instead of swallowing them.

// keyEntry is an Entry in a dialog. Enter submits it (OnSubmitted) or,
// without OnSubmitted, runs the dialog's default action.
type keyEntry struct {
	widget.Entry
	keys *dialogKeys
	// menu, when set, is offered under the arrow beside the field (and on
	// the Down key): a choice that can also be typed.
	menu []string
	pop  *widget.PopUpMenu
}

// entry makes a single-line entry of the dialog.
func (k *dialogKeys) entry() *keyEntry {
	e := &keyEntry{keys: k}
	e.ExtendBaseWidget(e)
	return e
}

// choiceEntry is an entry with a list of usual values under an arrow
// beside it. Unlike widget.SelectEntry the arrow is not a tab stop of its
// own: Down in the field opens the list.
func (k *dialogKeys) choiceEntry(options []string) *keyEntry {
	e := k.entry()
	e.menu = options
	e.ActionItem = newTapIcon(func() { e.openMenu() })
	return e
}

func (e *keyEntry) openMenu() {
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil || len(e.menu) == 0 {
		return
	}
	items := make([]*fyne.MenuItem, len(e.menu))
	for i, o := range e.menu {
		items[i] = fyne.NewMenuItem(o, func() { e.SetText(o) })
	}
	e.pop = widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e)
	e.pop.ShowAtPosition(pos.Add(fyne.NewPos(0, e.Size().Height)))
	e.pop.Resize(fyne.NewSize(e.Size().Width, e.pop.MinSize().Height))
}

// TypedKey passes Escape, and Enter when the entry has no OnSubmitted, to
// the dialog.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		e.keys.handle(ev)
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		if !e.MultiLine && e.OnSubmitted == nil {
			e.keys.handle(ev)
			return
		}
	case fyne.KeyDown:
		if e.menu != nil {
			e.openMenu()
			return
		}
	}
	e.Entry.TypedKey(ev)
}

// keySelect is a Select in a dialog.
type keySelect struct {
	widget.Select
	keys *dialogKeys
}

// selectOf makes a select of the dialog.
func (k *dialogKeys) selectOf(options []string, changed func(string)) *keySelect {
	s := &keySelect{keys: k}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey passes Escape and Enter to the dialog.
func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	if !s.keys.handle(ev) {
		s.Select.TypedKey(ev)
	}
}

// keyCheck is a Check in a dialog.
type keyCheck struct {
	widget.Check
	keys *dialogKeys
}

// check makes a check box of the dialog.
func (k *dialogKeys) check(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{keys: k}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey passes Escape and Enter to the dialog.
func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	if !c.keys.handle(ev) {
		c.Check.TypedKey(ev)
	}
}

// keyButton is a Button in a dialog: Enter presses it (as Space does),
// Escape goes to the dialog.
type keyButton struct {
	widget.Button
	keys *dialogKeys
}

// button makes a button of the dialog.
func (k *dialogKeys) button(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{keys: k}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and passes Escape to the dialog.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	case fyne.KeyEscape:
		b.keys.handle(ev)
	default:
		b.Button.TypedKey(ev)
	}
}

// tapIcon is an icon that does something when clicked, without being a tab
// stop (the arrow of a choice entry).
type tapIcon struct {
	widget.BaseWidget
	onTap func()
}

func newTapIcon(onTap func()) *tapIcon {
	t := &tapIcon{onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the icon's action.
func (t *tapIcon) Tapped(*fyne.PointEvent) { t.onTap() }

// CreateRenderer draws the drop-down arrow.
func (t *tapIcon) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewCenter(widget.NewIcon(theme.MenuDropDownIcon())))
}

// keyList is a List in a dialog: Escape goes to the dialog, Enter selects
// the highlighted row and runs onEnter (nil: nothing more).
type keyList struct {
	widget.List
	keys    *dialogKeys
	onEnter func()
}

// list makes a list of the dialog.
func (k *dialogKeys) list(length func() int, create func() fyne.CanvasObject,
	update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{keys: k}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey passes Escape to the dialog; Enter selects and runs onEnter.
func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		l.keys.handle(ev)
	case fyne.KeyReturn, fyne.KeyEnter:
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if l.onEnter != nil {
			l.onEnter()
		}
	default:
		l.List.TypedKey(ev)
	}
}

// keyTable is a Table in a dialog: Escape goes to the dialog, Enter
// selects the highlighted cell and runs onEnter (nil: nothing more).
type keyTable struct {
	widget.Table
	keys    *dialogKeys
	onEnter func()
}

// table makes a table of the dialog.
func (k *dialogKeys) table(length func() (int, int), create func() fyne.CanvasObject,
	update func(widget.TableCellID, fyne.CanvasObject)) *keyTable {
	t := &keyTable{keys: k}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey passes Escape to the dialog; Enter selects and runs onEnter.
func (t *keyTable) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		t.keys.handle(ev)
	case fyne.KeyReturn, fyne.KeyEnter:
		t.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if t.onEnter != nil {
			t.onEnter()
		}
	default:
		t.Table.TypedKey(ev)
	}
}

// ShowInfo shows a message with OK in win; Enter and Escape close it (for
// the app's own messages, outside the views).
func ShowInfo(title, message string, win fyne.Window) { showInfo(title, message, win) }

// ShowError shows err with OK in win; Enter and Escape close it.
func ShowError(err error, win fyne.Window) { showError(err, win) }

// Ask asks a question in win with the buttons confirm and dismiss: Enter
// answers yes, Escape no.
func Ask(title, message, confirm, dismiss string, onAnswer func(bool), win fyne.Window) {
	d, c := newConfirm(title, message, confirm, onAnswer, win)
	if dismiss != "" {
		c.SetDismissText(dismiss)
	}
	d.Show()
}
