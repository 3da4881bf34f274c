package views

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// PrintRequest is what the person asked the Print dialog for.
type PrintRequest struct {
	Filter   data.Filter
	Printer  string
	Template string // "" or "default": the built-in tile (or the reseller's default)
	Layout   string
	Copies   int
}

// PrintHooks are what the Print dialog needs from the app: the printers,
// the templates and the one use case that prints (and records) a run.
type PrintHooks struct {
	Printers  func(ctx context.Context) (names []string, def string, err error)
	Templates func(ctx context.Context) ([]string, error)
	Layouts   []string
	// Run prints and returns a sentence saying what was sent.
	Run func(ctx context.Context, r PrintRequest) (string, error)
}

// PrintDialog sends voucher sheets of a search or a batch straight to a
// printer.
type PrintDialog struct {
	tasks  *Tasks
	win    fyne.Window
	hooks  PrintHooks
	filter data.Filter

	Printer  *widget.Select
	Template *widget.Select
	Layout   *widget.Select
	Copies   *widget.Entry
	Status   *widget.Label
	PrintBtn *widget.Button
	dlg      dialog.Dialog
}

// NewPrintDialog builds the dialog for the cards f matches (what says
// which, in words) and loads the printers and templates in the background.
func NewPrintDialog(tasks *Tasks, win fyne.Window, hooks PrintHooks, f data.Filter, what string) *PrintDialog {
	d := &PrintDialog{tasks: tasks, win: win, hooks: hooks, filter: f}
	d.Printer = widget.NewSelect(nil, nil)
	d.Printer.PlaceHolder = "Loading printers…"
	d.Template = widget.NewSelect([]string{data.DefaultTemplateName}, nil)
	d.Template.SetSelected(data.DefaultTemplateName)
	d.Layout = widget.NewSelect(hooks.Layouts, nil)
	if len(hooks.Layouts) > 0 {
		d.Layout.SetSelected(hooks.Layouts[0])
	}
	d.Copies = widget.NewEntry()
	d.Copies.SetText("1")
	d.Status = widget.NewLabel("")
	d.Status.Wrapping = fyne.TextWrapWord
	d.PrintBtn = widget.NewButton("Print", d.onPrint)
	d.PrintBtn.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Cards", widget.NewLabel(what)),
		widget.NewFormItem("Printer", d.Printer),
		widget.NewFormItem("Template", d.Template),
		widget.NewFormItem("Layout", d.Layout),
		widget.NewFormItem("Copies", d.Copies),
	)
	content := container.NewBorder(nil, container.NewVBox(d.Status, container.NewHBox(widget.NewButton("Close", func() { d.dlg.Hide() }), d.PrintBtn)), nil, nil, form)
	d.dlg = dialog.NewCustomWithoutButtons("Print", content, win)
	d.dlg.Resize(fyne.NewSize(min(560, win.Canvas().Size().Width-40), 380))
	tasks.Go(d.load)
	return d
}

// Show shows the dialog.
// Escape closes it; Enter prints when Print can be pressed.
func (d *PrintDialog) Show() {
	keyed(d.dlg, d.win, func() {
		if !d.PrintBtn.Disabled() {
			d.onPrint()
		}
	}).Show()
}

// load reads the printers and templates.
func (d *PrintDialog) load() {
	ctx := context.Background()
	names, def, perr := d.hooks.Printers(ctx)
	tpls, terr := d.hooks.Templates(ctx)
	fyne.Do(func() {
		if perr != nil {
			d.Printer.PlaceHolder = "No printer"
			d.Printer.Refresh()
			d.Status.SetText(perr.Error())
			d.PrintBtn.Disable()
		} else {
			d.Printer.SetOptions(names)
			if def != "" {
				d.Printer.SetSelected(def)
			} else if len(names) > 0 {
				d.Printer.SetSelected(names[0])
			}
			if len(names) == 0 {
				d.Status.SetText("No printers are set up; add one in the system's printer settings.")
				d.PrintBtn.Disable()
			}
		}
		if terr != nil {
			d.Status.SetText(terr.Error())
		} else {
			d.Template.SetOptions(append([]string{data.DefaultTemplateName}, tpls...))
		}
	})
}

func (d *PrintDialog) onPrint() {
	copies, err := strconv.Atoi(strings.TrimSpace(d.Copies.Text))
	if err != nil || copies < 1 || copies > 100 {
		d.Status.SetText("Copies: type a number from 1 to 100.")
		return
	}
	if d.Printer.Selected == "" {
		d.Status.SetText("Choose a printer.")
		return
	}
	r := PrintRequest{Filter: d.filter, Printer: d.Printer.Selected, Template: d.Template.Selected, Layout: d.Layout.Selected, Copies: copies}
	d.PrintBtn.Disable()
	d.Status.SetText(fmt.Sprintf("Sending to %s…", r.Printer))
	d.tasks.Go(func() {
		msg, err := d.hooks.Run(context.Background(), r)
		fyne.Do(func() {
			d.PrintBtn.Enable()
			if err != nil {
				d.Status.SetText(err.Error())
				return
			}
			d.Status.SetText(msg)
		})
	})
}
