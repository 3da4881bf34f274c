package views

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// ResellersDialog lists, adds, renames and removes resellers.
type ResellersDialog struct {
	store   Store
	tasks   *Tasks
	List    *keyList
	Name    *keyEntry
	Add     *keyButton
	Rename  *keyButton
	Remove  *keyButton
	Message *widget.Label
	dlg     *keyedDialog
	win     fyne.Window

	resellers []data.Reseller
	selected  int

	// OnChanged is told after any change.
	OnChanged func()
}

// NewResellersDialog builds the dialog.
func NewResellersDialog(store Store, tasks *Tasks, win fyne.Window) *ResellersDialog {
	d := &ResellersDialog{store: store, tasks: tasks, selected: -1, win: win}
	// Enter adds the name typed; Escape closes.
	keys := &dialogKeys{}
	keys.Enter = func() { d.onAdd() }
	d.List = keys.list(func() int { return len(d.resellers) },
		func() fyne.CanvasObject { return widget.NewLabel("Reseller name — 1,000,000 cards") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := d.resellers[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s — %s cards", r.Name, groupInt(r.Cards)))
		})
	d.List.OnSelected = func(i widget.ListItemID) {
		d.selected = i
		d.Name.SetText(d.resellers[i].Name)
		d.Rename.Enable()
		d.Remove.Enable()
	}
	d.Name = keys.entry()
	d.Name.SetPlaceHolder("Name of a new reseller (or the new name of the selected one)")
	d.Add = keys.button("Add", theme.ContentAddIcon(), d.onAdd)
	d.Add.Importance = widget.HighImportance
	d.Rename = keys.button("Rename selected", theme.DocumentCreateIcon(), d.onRename)
	d.Remove = keys.button("Remove selected", theme.DeleteIcon(), d.onRemove)
	d.Rename.Disable()
	d.Remove.Disable()
	d.Message = widget.NewLabel("")
	d.Message.Wrapping = fyne.TextWrapWord
	closeBtn := keys.button("Close", nil, func() { d.dlg.Hide() })
	bottom := container.NewVBox(d.Name, container.NewHBox(d.Add, d.Rename, d.Remove), d.Message)
	d.dlg = newKeyedDialog("Resellers", container.NewBorder(nil, bottom, nil, nil, d.List), container.NewHBox(layoutSpacer(), closeBtn),
		keys, win, fyne.NewSize(600, 480))
	d.dlg.first = d.Name
	return d
}

// Show opens the dialog and loads the list.
func (d *ResellersDialog) Show() {
	d.dlg.Show()
	d.tasks.Go(func() { d.Load(context.Background()) })
}

// Load reads the resellers (disk work).
func (d *ResellersDialog) Load(ctx context.Context) {
	rs, err := d.store.Resellers(ctx)
	fyne.Do(func() {
		if err != nil {
			d.say(err)
			return
		}
		d.resellers = rs
		d.selected = -1
		d.List.UnselectAll()
		d.Rename.Disable()
		d.Remove.Disable()
		d.List.Refresh()
	})
}

func (d *ResellersDialog) say(err error) {
	d.Message.SetText(personMessage(err))
	d.Message.Importance = widget.DangerImportance
	d.Message.Refresh()
}

func (d *ResellersDialog) done(msg string) {
	d.Message.SetText(msg)
	d.Message.Importance = widget.SuccessImportance
	d.Message.Refresh()
	if d.OnChanged != nil {
		d.OnChanged()
	}
}

// run does op in the background, then reloads and reports. A refused op
// keeps what was typed, with the cursor in it, to be corrected.
func (d *ResellersDialog) run(op func(ctx context.Context) error, ok string, after func()) {
	d.tasks.Go(func() {
		ctx := context.Background()
		err := op(ctx)
		if err != nil {
			fyne.Do(func() {
				d.say(err)
				d.win.Canvas().Focus(d.Name)
			})
			return
		}
		d.Load(ctx)
		fyne.Do(func() {
			d.done(ok)
			if after != nil {
				after()
			}
		})
	})
}

func (d *ResellersDialog) onAdd() {
	name := d.Name.Text
	d.run(func(ctx context.Context) error { _, err := d.store.AddReseller(ctx, name); return err },
		fmt.Sprintf("Added %q.", name), func() {
			if d.Name.Text == name { // added: ready for the next name
				d.Name.SetText("")
			}
		})
}

func (d *ResellersDialog) onRename() {
	if d.selected < 0 {
		return
	}
	old, name := d.resellers[d.selected].Name, d.Name.Text
	d.run(func(ctx context.Context) error { return d.store.RenameReseller(ctx, old, name) },
		fmt.Sprintf("Renamed %q to %q.", old, name), nil)
}

func (d *ResellersDialog) onRemove() {
	if d.selected < 0 {
		return
	}
	name := d.resellers[d.selected].Name
	d.run(func(ctx context.Context) error { return d.store.RemoveReseller(ctx, name) }, fmt.Sprintf("Removed %q.", name), nil)
}

// ShowResellers opens the Resellers dialog.
func (v *MainView) ShowResellers() {
	d := NewResellersDialog(v.store, v.tasks, v.win)
	d.OnChanged = v.RefreshInBackground
	v.lastResellers = d
	d.Show()
}
