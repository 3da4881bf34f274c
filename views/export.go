package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// ExportRequest is what the person asked the Export dialog for.
type ExportRequest struct {
	Filter     data.Filter
	Cards      int64
	Path       string
	Format     string // "pdf", "xlsx" or "csv"
	Workbook   bool   // a voucher sheet (PDF or workbook), not a card list
	Across     int    // tiles across (PDF grid: 0 = as many as fit)
	Down       int    // PDF grid: tiles down (0 = as many as fit)
	Letter     bool   // Letter paper; false: A4
	QRTemplate string
	Layout     string // PDF layout name
	CutMarks   bool
	Logo       []byte
	Colours    string // "8.00=#2E7D32, 26.00=#1565C0"
	Overwrite  bool
}

// ExportHooks are what the dialog needs from the export package, wired by
// the app (views know no file formats).
type ExportHooks struct {
	// Run writes the export, reporting progress; it returns a sentence
	// saying what was written.
	Run func(ctx context.Context, r ExportRequest, progress func(done, total int64)) (string, error)
	// CheckTemplate validates a redeem-address template.
	CheckTemplate func(string) error
	// Estimate says how long exporting n cards takes.
	Estimate func(workbook bool, n int64) time.Duration
	// MaxWorkbook is the most cards one workbook takes.
	MaxWorkbook int64
	// Layouts are the PDF layouts by name, plain grids first.
	Layouts []string
	// CheckPDF checks the PDF choices (layout, tiles, colours).
	CheckPDF func(r ExportRequest) error
	// Preview draws the first PDF page of the request, widthPx wide.
	Preview func(ctx context.Context, r ExportRequest, widthPx int) (image.Image, error)
}

// Export dialog choices.
const (
	whatSearch   = "The current search"
	whatBatch    = "A batch"
	whatSelected = "The selected card"
	fmtPDF       = "PDF voucher sheets (.pdf)"
	fmtWorkbook  = "Excel voucher sheet (.xlsx)"
	fmtCSV       = "CSV card list (.csv)"
	qrPIN        = "The PIN"
	qrAddress    = "A redeem address"
)

// ExportDialog asks what to export and how, then runs the export with a
// progress bar and Cancel.
type ExportDialog struct {
	store Store
	tasks *Tasks
	win   fyne.Window
	hooks ExportHooks

	What       *widget.RadioGroup
	Batch      *widget.Select
	Format     *widget.RadioGroup
	Across     *widget.Select
	Paper      *widget.Select
	QRMode     *widget.RadioGroup
	Template   *widget.Entry
	Layout     *widget.Select
	Down       *widget.Select
	CutMarks   *widget.Check
	LogoBtn    *widget.Button
	Colours    *widget.Entry
	Preview    *canvas.Image
	Info       *widget.Label
	Problem    *widget.Label
	SaveAs     *widget.Button
	Close      *widget.Button
	Progress   *widget.ProgressBar
	Status     *widget.Label
	StopBtn    *widget.Button
	form, busy fyne.CanvasObject
	dlg        *dialog.CustomDialog

	search   data.Filter
	selected *data.Card
	batches  map[string]int64
	count    int64
	seq      int64
	cancel   context.CancelFunc
	logo     []byte
	prevSeq  int64
}

// NewExportDialog builds the dialog for the current search and selection.
func NewExportDialog(store Store, tasks *Tasks, win fyne.Window, hooks ExportHooks, search data.Filter,
	selected *data.Card, batches []data.Batch) *ExportDialog {
	d := &ExportDialog{store: store, tasks: tasks, win: win, hooks: hooks, search: search, selected: selected,
		batches: map[string]int64{}}
	whats := []string{whatSearch, whatBatch}
	if selected != nil {
		whats = append(whats, whatSelected)
	}
	d.What = widget.NewRadioGroup(whats, nil)
	var labels []string
	for _, b := range batches {
		l := BatchLabel(b)
		d.batches[l] = b.ID
		labels = append(labels, l)
	}
	d.Batch = widget.NewSelect(labels, nil)
	d.Batch.PlaceHolder = "choose a batch"
	if search.Batch != 0 {
		for l, id := range d.batches {
			if id == search.Batch {
				d.Batch.SetSelected(l)
			}
		}
	}
	d.Format = widget.NewRadioGroup([]string{fmtPDF, fmtWorkbook, fmtCSV}, nil)
	d.Across = widget.NewSelect([]string{"auto", "1", "2", "3", "4", "5", "6"}, nil)
	d.Across.SetSelected("auto")
	d.Down = widget.NewSelect([]string{"auto", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, nil)
	d.Down.SetSelected("auto")
	d.Layout = widget.NewSelect(hooks.Layouts, nil)
	if len(hooks.Layouts) > 0 {
		d.Layout.SetSelectedIndex(0)
	}
	d.CutMarks = widget.NewCheck("Cut marks", nil)
	d.LogoBtn = widget.NewButtonWithIcon("Logo…", theme.FileImageIcon(), d.onLogo)
	d.Colours = widget.NewEntry()
	d.Colours.SetPlaceHolder("colour per amount: 8.00=#2E7D32, 26.00=#1565C0")
	d.Preview = canvas.NewImageFromImage(nil)
	d.Preview.FillMode = canvas.ImageFillContain
	d.Preview.SetMinSize(fyne.NewSize(230, 325))
	d.Paper = widget.NewSelect([]string{"A4", "Letter"}, nil)
	d.Paper.SetSelected("A4")
	d.QRMode = widget.NewRadioGroup([]string{qrPIN, qrAddress}, nil)
	d.QRMode.Horizontal = true
	d.Template = widget.NewEntry()
	d.Template.SetPlaceHolder("https://billing.example.com/redeem?pin={pin}")
	d.Info = widget.NewLabel("")
	d.Info.Wrapping = fyne.TextWrapWord
	d.Problem = widget.NewLabel("")
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Hide()
	d.SaveAs = widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), d.onSaveAs)
	d.SaveAs.Importance = widget.HighImportance
	d.Close = widget.NewButton("Close", func() { d.dlg.Hide() })
	d.Progress = widget.NewProgressBar()
	d.Status = widget.NewLabel("")
	d.Status.Wrapping = fyne.TextWrapWord
	d.StopBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.Stop)

	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	form := container.New(newFormLayout(),
		bold("Cards"), container.NewVBox(d.What, d.Batch),
		bold("Format"), d.Format,
		bold("Layout"), container.NewVBox(d.Layout, container.NewHBox(widget.NewLabel("Across"), d.Across,
			widget.NewLabel("Down"), d.Down, widget.NewLabel("Paper"), d.Paper)),
		bold("PDF extras"), container.NewVBox(container.NewHBox(d.CutMarks, d.LogoBtn), d.Colours),
		bold("QR code holds"), container.NewVBox(d.QRMode, d.Template),
	)
	left := container.NewVBox(form, d.Info, d.Problem)
	preview := container.NewVBox(widget.NewLabelWithStyle("First page", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), d.Preview)
	d.form = container.NewBorder(nil, container.NewHBox(layoutSpacer(), d.Close, d.SaveAs), nil, preview, left)
	d.busy = container.NewVBox(d.Status, d.Progress, container.NewHBox(layoutSpacer(), d.StopBtn))
	d.busy.Hide()
	d.dlg = dialog.NewCustomWithoutButtons("Export", container.NewStack(d.form, d.busy), win)
	d.dlg.Resize(fyne.NewSize(1000, 0))
	// Wire the handlers last: setting the first choices fires them.
	changed := func(string) { d.Changed() }
	d.What.OnChanged = changed
	d.Batch.OnChanged = func(string) {
		if d.What.Selected != whatBatch {
			d.What.SetSelected(whatBatch)
			return
		}
		d.Changed()
	}
	d.Format.OnChanged = changed
	d.QRMode.OnChanged = changed
	d.Layout.OnChanged = changed
	d.Across.OnChanged = changed
	d.Down.OnChanged = changed
	d.Paper.OnChanged = changed
	d.CutMarks.OnChanged = func(bool) { d.Changed() }
	d.Colours.OnChanged = changed
	d.Template.OnChanged = func(string) {
		if d.QRMode.Selected != qrAddress && d.Template.Text != "" {
			d.QRMode.SetSelected(qrAddress)
			return
		}
		d.Changed()
	}
	d.Format.SetSelected(fmtPDF)
	d.QRMode.SetSelected(qrPIN)
	if search.Batch != 0 && d.Batch.Selected != "" {
		d.What.SetSelected(whatBatch)
	} else {
		d.What.SetSelected(whatSearch)
	}
	return d
}

// Show opens the dialog.
func (d *ExportDialog) Show() { d.dlg.Show() }

// filter is the set of cards the choices mean.
func (d *ExportDialog) filter() (data.Filter, error) {
	switch d.What.Selected {
	case whatBatch:
		id, ok := d.batches[d.Batch.Selected]
		if !ok {
			return data.Filter{}, errors.New("choose the batch to export")
		}
		return data.Filter{Batch: id}, nil
	case whatSelected:
		return data.Filter{IDs: []int64{d.selected.ID}}, nil
	}
	return d.search, nil
}

// Request reads the choices, saying what is wrong.
func (d *ExportDialog) Request() (ExportRequest, error) {
	f, err := d.filter()
	if err != nil {
		return ExportRequest{}, err
	}
	r := ExportRequest{Filter: f, Cards: d.count, Letter: d.Paper.Selected == "Letter", Layout: d.Layout.Selected,
		CutMarks: d.CutMarks.Checked, Logo: d.logo, Colours: d.Colours.Text}
	switch d.Format.Selected {
	case fmtPDF:
		r.Format, r.Workbook = "pdf", true
	case fmtWorkbook:
		r.Format, r.Workbook = "xlsx", true
	default:
		r.Format = "csv"
	}
	fmt.Sscan(d.Across.Selected, &r.Across)
	fmt.Sscan(d.Down.Selected, &r.Down)
	if r.Format == "xlsx" && r.Across == 0 {
		r.Across = 3
	}
	if d.QRMode.Selected == qrAddress {
		r.QRTemplate = strings.TrimSpace(d.Template.Text)
		if r.QRTemplate == "" {
			err := errors.New("type the redeem address, with {pin} where the PIN goes")
			d.Template.SetValidationError(err)
			return r, err
		}
		if d.hooks.CheckTemplate != nil {
			if err := d.hooks.CheckTemplate(r.QRTemplate); err != nil {
				return r, err
			}
		}
	}
	if r.Format == "pdf" && d.hooks.CheckPDF != nil {
		if err := d.hooks.CheckPDF(r); err != nil {
			return r, err
		}
	}
	if r.Format == "xlsx" && d.hooks.MaxWorkbook > 0 && d.count > d.hooks.MaxWorkbook {
		return r, fmt.Errorf("%s cards are more than one voucher workbook takes (%s): export a batch or a serial range at a time, or choose CSV",
			groupInt(d.count), groupInt(d.hooks.MaxWorkbook))
	}
	return r, nil
}

// Changed counts the chosen cards and updates the advice.
func (d *ExportDialog) Changed() {
	sheet := d.Format.Selected != fmtCSV
	pdf := d.Format.Selected == fmtPDF
	for _, w := range []fyne.Disableable{d.Across, d.Paper, d.QRMode, d.Template} {
		setEnabled(w, sheet)
	}
	for _, w := range []fyne.Disableable{d.Layout, d.Down, d.CutMarks, d.LogoBtn, d.Colours} {
		setEnabled(w, pdf)
	}
	f, err := d.filter()
	if err != nil {
		d.showProblem(err)
		return
	}
	d.seq++
	seq := d.seq
	d.tasks.Go(func() {
		n, err := d.store.Count(context.Background(), f)
		fyne.Do(func() {
			if seq != d.seq {
				return
			}
			if err != nil {
				d.showProblem(err)
				return
			}
			d.count = n
			d.updateInfo()
		})
	})
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

func (d *ExportDialog) updateInfo() {
	workbook := d.Format.Selected != fmtCSV
	f, _ := d.filter()
	text := fmt.Sprintf("%s cards: %s.", groupInt(d.count), f.Describe())
	over := d.Format.Selected == fmtWorkbook && d.hooks.MaxWorkbook > 0 && d.count > d.hooks.MaxWorkbook
	if d.hooks.Estimate != nil && !over {
		if est := d.hooks.Estimate(workbook, d.count); est > 10*time.Second {
			text += fmt.Sprintf(" This takes about %s; you can cancel it.", est.Round(time.Second))
		}
	}
	switch d.Format.Selected {
	case fmtWorkbook:
		text += " The workbook has a printable Vouchers sheet, a Cards sheet and a Summary."
	case fmtPDF:
		text += " The PDF ends with a page of control totals. Cards printed before are marked REPRINT."
	}
	d.Info.SetText(text)
	if _, err := d.Request(); err != nil {
		d.showProblem(err)
		return
	}
	if d.count == 0 {
		d.showProblem(errors.New("no cards are chosen: change the search or choose a batch"))
		return
	}
	d.Problem.Hide()
	d.SaveAs.Enable()
	d.updatePreview()
}

// updatePreview draws the first PDF page in the background.
func (d *ExportDialog) updatePreview() {
	if d.Format.Selected != fmtPDF || d.hooks.Preview == nil {
		d.Preview.Image = nil
		d.Preview.Refresh()
		return
	}
	r, err := d.Request()
	if err != nil {
		return
	}
	d.prevSeq++
	seq := d.prevSeq
	d.tasks.Go(func() {
		img, err := d.hooks.Preview(context.Background(), r, 460)
		fyne.Do(func() {
			if seq != d.prevSeq {
				return
			}
			if err != nil {
				d.showProblem(err)
				return
			}
			d.Preview.Image = img
			d.Preview.Refresh()
		})
	})
}

// onLogo lets the person choose a logo image for the PDF tiles.
func (d *ExportDialog) onLogo() {
	open := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			d.showProblem(err)
			return
		}
		if rc == nil {
			return
		}
		d.tasks.Go(func() {
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, 5<<20))
			fyne.Do(func() {
				if err != nil {
					d.showProblem(err)
					return
				}
				d.SetLogo(b, rc.URI().Name())
			})
		})
	}, d.win)
	open.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	startInDocuments(open)
	open.Show()
}

// SetLogo uses b (a PNG or JPEG) as the tiles' logo.
func (d *ExportDialog) SetLogo(b []byte, name string) {
	d.logo = b
	d.LogoBtn.SetText("Logo: " + name)
	d.Changed()
}

func (d *ExportDialog) showProblem(err error) {
	d.Problem.SetText(personMessage(err))
	d.Problem.Show()
	d.SaveAs.Disable()
}

func (d *ExportDialog) onSaveAs() {
	r, err := d.Request()
	if err != nil {
		d.showProblem(err)
		return
	}
	ext := "." + r.Format
	save := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			d.showProblem(err)
			return
		}
		if wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		// The save dialog made the (empty) file and asked before replacing
		// one; it does not add the extension, so a name without one gets it,
		// and replacing that other file must be asked for here. File work
		// runs off the UI goroutine.
		d.tasks.Go(func() {
			overwrite, ask := true, false
			if !strings.EqualFold(filepath.Ext(path), ext) {
				if st, err := os.Stat(path); err == nil && st.Size() == 0 {
					os.Remove(path)
				}
				path += ext
				_, err := os.Stat(path)
				overwrite, ask = false, err == nil
			}
			fyne.Do(func() {
				if !ask {
					d.Start(path, overwrite)
					return
				}
				dialog.ShowConfirm("Replace file?", path+" exists. Replace it?", func(ok bool) {
					if ok {
						d.Start(path, true)
					}
				}, d.win)
			})
		})
	}, d.win)
	save.SetFileName("vouchers" + ext)
	save.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	startInDocuments(save)
	save.Show()
}

// Start exports to path (overwrite: the person agreed to replace it).
func (d *ExportDialog) Start(path string, overwrite bool) {
	r, err := d.Request()
	if err != nil {
		d.showProblem(err)
		return
	}
	r.Path, r.Overwrite = path, overwrite
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.form.Hide()
	d.busy.Show()
	d.Progress.SetValue(0)
	d.Status.SetText(fmt.Sprintf("Exporting %s cards to %s…", groupInt(r.Cards), path))
	d.StopBtn.Enable()
	d.tasks.Go(func() { d.run(ctx, r) })
}

// Stop cancels a running export; no file is left behind.
func (d *ExportDialog) Stop() {
	if d.cancel != nil {
		d.cancel()
		d.StopBtn.Disable()
		d.Status.SetText("Cancelling…")
	}
}

func (d *ExportDialog) run(ctx context.Context, r ExportRequest) {
	var last time.Time
	msg, err := d.hooks.Run(ctx, r, func(done, total int64) {
		if now := time.Now(); now.Sub(last) > 50*time.Millisecond || done == total {
			last = now
			fyne.Do(func() { d.Progress.SetValue(float64(done) / float64(total)) })
		}
	})
	if err != nil {
		// The save dialog's empty file is not an export: leave nothing.
		if st, serr := os.Stat(r.Path); serr == nil && st.Size() == 0 {
			os.Remove(r.Path)
		}
	}
	fyne.Do(func() {
		d.cancel = nil
		d.busy.Hide()
		d.form.Show()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				d.showProblem(errors.New("export cancelled: no file was written"))
			} else {
				d.showProblem(err)
			}
			return
		}
		d.Problem.Hide()
		d.Info.SetText(msg)
		d.Info.Importance = widget.SuccessImportance
		d.Info.Refresh()
	})
}

// ShowExport opens the Export dialog for the current search and selection.
func (v *MainView) ShowExport() {
	if v.ExportHooks.Run == nil {
		return
	}
	var sel *data.Card
	if c, ok := v.Table.Selected(); ok {
		sel = &c
	}
	f := v.filter
	v.tasks.Go(func() {
		bs, err := v.store.Batches(context.Background())
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			d := NewExportDialog(v.store, v.tasks, v.win, v.ExportHooks, f, sel, bs)
			v.LastExport = d
			d.Show()
		})
	})
}
