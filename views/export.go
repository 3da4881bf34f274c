package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// ExportFormat is one export format as the dialog offers it; the app fills
// them in from the export package's table of formats.
type ExportFormat struct {
	Name  string // "pdf", "xlsx", "csv"
	Ext   string // ".pdf"
	Label string // "PDF voucher sheets (.pdf)"
	// Vouchers: voucher tiles (tiles across, paper, QR code, void cards
	// left out unless included); otherwise a card list.
	Vouchers bool
	// The PDF choices the format takes: a layout and tiles down, cut
	// marks, a logo, colours.
	Grid, CutMarks, Logo, Colours bool
	MaxCards                      int64 // the most cards one file takes; 0: no limit
}

// ExportCount is what an export of the chosen cards holds.
type ExportCount struct {
	Matched int64  // cards the choice matches
	Cards   int64  // cards in the file: voucher tiles, or rows of a list
	LeftOut string // cards that cannot be sold, left out: "5 blocked, 1 redeemed"; "" none
}

// ExportRequest is what the person asked the Export dialog for.
type ExportRequest struct {
	Filter      data.Filter
	Cards       int64
	Path        string
	Format      ExportFormat
	Across      int  // tiles across (0: the format's default)
	Down        int  // PDF grid: tiles down (0 = as many as fit)
	Letter      bool // Letter paper; false: A4
	QRTemplate  string
	Layout      string // PDF layout name
	CutMarks    bool
	Logo        []byte
	Colours     string // "8.00=#2E7D32, 26.00=#1565C0"
	IncludeVoid bool   // print cards that cannot be sold, stamped
	Overwrite   bool
	// Locale writes the vouchers' amounts and dates (CSV stays plain).
	Locale data.Locale
	// MaskPINs: the preview shows the PINs masked (Hide PINs).
	MaskPINs bool
	// CardTemplate is the voucher tile's template by name ("": the
	// reseller's default, or the built-in tile).
	CardTemplate string
}

// ExportHooks are what the dialog needs from the export package and the
// files, wired by the app (views know no file formats and touch no files).
type ExportHooks struct {
	// Formats are the formats offered, the first chosen at first.
	Formats []ExportFormat
	// Count says what exporting r holds (cards in the file, left out).
	Count func(ctx context.Context, r ExportRequest) (ExportCount, error)
	// Run writes the export, reporting progress; it returns a sentence
	// saying what was written.
	Run func(ctx context.Context, r ExportRequest, progress func(done, total int64)) (string, error)
	// SavePath turns the save dialog's choice into the export's path (the
	// extension added when missing, and the empty file the save dialog
	// made under the other name removed); exists: a file is at that path
	// and replacing it must be asked for.
	SavePath func(path, ext string) (final string, exists bool, err error)
	// CheckTemplate validates a redeem-address template.
	CheckTemplate func(string) error
	// Estimate says how long exporting n cards in the format takes.
	Estimate func(format string, n int64) time.Duration
	// Layouts are the PDF layouts by name, plain grids first.
	Layouts []string
	// Check checks the choices for the format (layout, tiles, colours).
	Check func(r ExportRequest) error
	// Preview draws the first PDF page of the request, widthPx wide.
	Preview func(ctx context.Context, r ExportRequest, widthPx int) (image.Image, error)
	// Prefs keep the choices of the last export (nil: the app's).
	Prefs fyne.Preferences
	// Templates lists the stored card templates (nil: none offered).
	Templates func(ctx context.Context) ([]string, error)
}

// Export dialog choices.
const (
	whatSearch   = "The current search"
	whatBatch    = "A batch"
	whatSelected = "The selected card"
	qrPIN        = "The PIN"
	qrAddress    = "A redeem address"
)

// ExportDialog asks what to export and how, then runs the export with a
// progress bar and Cancel.
type ExportDialog struct {
	store     Store
	tasks     *Tasks
	win       fyne.Window
	hooks     ExportHooks
	batchList []data.Batch // the Batch choices, for relabelling

	What        *keyRadio
	Batch       *keySelect
	Format      *keyRadio
	Across      *keySelect
	Paper       *keySelect
	QRMode      *keyRadio
	Template    *keyEntry
	Layout      *keySelect
	Down        *keySelect
	CutMarks    *keyCheck
	IncludeVoid *keyCheck
	LogoBtn     *keyButton
	Colours     *keyEntry
	// CardTemplate chooses the voucher tile's template.
	CardTemplate *keySelect
	Preview      *canvas.Image
	Info         *widget.Label
	Problem      *widget.Label
	SaveAs       *keyButton
	Close        *keyButton
	// Open and ShowFile appear after an export: open the file, show it in
	// its folder.
	Open, ShowFile *keyButton
	Progress       *widget.ProgressBar
	Status         *widget.Label
	StopBtn        *keyButton
	form, busy     fyne.CanvasObject
	buttons        fyne.CanvasObject // hidden while exporting
	// left holds the choices, previewBox the first page: side by side, or
	// the page under the choices when the window is narrow.
	left, previewBox fyne.CanvasObject
	dlg              *keyedDialog
	keys             *dialogKeys
	// written is the file the last export wrote.
	written string
	// logoURI is where the logo was read from, remembered with the rest.
	logoURI string

	search   data.Filter
	selected *data.Card
	batches  map[string]int64
	count    ExportCount
	seq      int64
	cancel   context.CancelFunc
	logo     []byte
	prevSeq  int64

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// NewExportDialog builds the dialog for the current search and selection.
func NewExportDialog(store Store, tasks *Tasks, win fyne.Window, hooks ExportHooks, search data.Filter,
	selected *data.Card, batches []data.Batch) *ExportDialog {
	d := &ExportDialog{store: store, tasks: tasks, win: win, hooks: hooks, search: search, selected: selected,
		batches: map[string]int64{}}
	// Enter saves, Escape cancels a running export or closes.
	d.keys = &dialogKeys{}
	d.keys.Enter = func() { d.onSaveAs() }
	d.keys.Escape = d.onEscape
	d.makeWidgets(batches)
	d.makeLayout()
	d.wire()
	if hooks.Templates != nil {
		tasks.Go(d.loadTemplates)
	}
	return d
}

// loadTemplates offers the stored card templates.
func (d *ExportDialog) loadTemplates() {
	names, err := d.hooks.Templates(context.Background())
	fyne.Do(func() {
		if err != nil {
			d.showProblem(err)
			return
		}
		d.CardTemplate.SetOptions(append([]string{data.DefaultTemplateName}, names...))
	})
}

// makeWidgets makes the choices, with their first values.
func (d *ExportDialog) makeWidgets(batches []data.Batch) {
	whats := []string{whatSearch, whatBatch}
	if d.selected != nil {
		whats = append(whats, whatSelected)
	}
	d.What = d.keys.radio(whats, nil)
	d.batchList = batches
	k := d.keys
	d.Batch = k.selectOf(d.batchLabels(), nil)
	d.Batch.PlaceHolder = "choose a batch"
	if d.search.Batch != 0 {
		for l, id := range d.batches {
			if id == d.search.Batch {
				d.Batch.SetSelected(l)
			}
		}
	}
	var formats []string
	for _, f := range d.hooks.Formats {
		formats = append(formats, f.Label)
	}
	d.Format = d.keys.radio(formats, nil)
	d.Across = k.selectOf([]string{"auto", "1", "2", "3", "4", "5", "6"}, nil)
	d.Across.SetSelected("auto")
	d.Down = k.selectOf([]string{"auto", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, nil)
	d.Down.SetSelected("auto")
	d.Layout = k.selectOf(d.hooks.Layouts, nil)
	if len(d.hooks.Layouts) > 0 {
		d.Layout.SetSelectedIndex(0)
	}
	d.CutMarks = k.check("Cut marks", nil)
	d.IncludeVoid = k.check("Include void cards (stamped VOID / REDEEMED / EXPIRED)", nil)
	d.LogoBtn = k.button("Logo…", theme.FileImageIcon(), d.onLogo)
	d.Colours = k.entry()
	d.Colours.SetPlaceHolder("colour per amount: 8.00=#2E7D32, 26.00=#1565C0")
	d.CardTemplate = k.selectOf([]string{data.DefaultTemplateName}, nil)
	d.CardTemplate.PlaceHolder = "the reseller's, or default"

	d.Preview = canvas.NewImageFromImage(nil)
	d.Preview.FillMode = canvas.ImageFillContain
	d.Preview.SetMinSize(fyne.NewSize(230, 325))
	d.Paper = k.selectOf([]string{"A4", "Letter"}, nil)
	d.Paper.SetSelected("A4")
	d.QRMode = d.keys.radio([]string{qrPIN, qrAddress}, nil)
	d.QRMode.Horizontal = true
	d.Template = k.entry()
	d.Template.SetPlaceHolder("https://billing.example.com/redeem?pin={pin}")
	d.Info = widget.NewLabel("")
	d.Info.Wrapping = fyne.TextWrapWord
	d.Problem = widget.NewLabel("")
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Hide()
	d.SaveAs = k.button("Save as…", theme.DocumentSaveIcon(), d.onSaveAs)
	d.SaveAs.Importance = widget.HighImportance
	d.Close = k.button("Close", nil, func() { d.dlg.Hide() })
	d.Open = k.button("Open", theme.FileIcon(), d.onOpen)
	d.ShowFile = k.button("Show in folder", theme.FolderOpenIcon(), d.onShowFile)
	d.Open.Hide()
	d.ShowFile.Hide()
	d.Progress = widget.NewProgressBar()
	d.Status = widget.NewLabel("")
	d.Status.Wrapping = fyne.TextWrapWord
	d.StopBtn = k.button("Cancel", theme.CancelIcon(), d.Stop)
}

// makeLayout puts the choices in a form beside the preview.
func (d *ExportDialog) makeLayout() {
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	form := container.New(newFormLayout(),
		bold("Cards"), container.NewVBox(d.What, d.Batch, d.IncludeVoid),
		bold("Format"), d.Format,
		bold("Card template"), d.CardTemplate,
		bold("Layout"), container.NewVBox(d.Layout, container.NewHBox(widget.NewLabel("Across"), d.Across,
			widget.NewLabel("Down"), d.Down, widget.NewLabel("Paper"), d.Paper)),
		bold("PDF extras"), container.NewVBox(container.NewHBox(d.CutMarks, d.LogoBtn), d.Colours),
		bold("QR code holds"), container.NewVBox(d.QRMode, d.Template),
	)
	left := form
	preview := container.NewVBox(widget.NewLabelWithStyle("First page", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), d.Preview)
	d.form = container.NewBorder(nil, nil, nil, preview, left)
	d.left, d.previewBox = left, preview
	// What is chosen, what is wrong and what was written stay in sight
	// above the buttons; the choices scroll in a small window.
	d.buttons = container.NewVBox(d.Info, d.Problem, container.NewHBox(d.Open, d.ShowFile, layoutSpacer(), d.Close, d.SaveAs))
	d.busy = container.NewVBox(d.Status, d.Progress, container.NewHBox(layoutSpacer(), d.StopBtn))
	d.busy.Hide()
	d.dlg = newKeyedDialog("Export", container.NewStack(d.form, d.busy), d.buttons, d.keys, d.win, fyne.NewSize(1000, 0))
	// The radio buttons are a click away; the first field is the batch.
	d.dlg.first = d.Batch
	d.dlg.wheelEverywhere()
}

// wire sets the handlers, then the first choices (which fire them).
func (d *ExportDialog) wire() {
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
	d.IncludeVoid.OnChanged = func(bool) { d.Changed() }
	d.Colours.OnChanged = changed
	d.CardTemplate.OnChanged = changed
	d.Template.OnChanged = func(string) {
		if d.QRMode.Selected != qrAddress && d.Template.Text != "" {
			d.QRMode.SetSelected(qrAddress)
			return
		}
		d.Changed()
	}
	if len(d.Format.Options) > 0 {
		d.Format.SetSelected(d.Format.Options[0])
	}
	d.QRMode.SetSelected(qrPIN)
	d.recall()
	if d.search.Batch != 0 && d.Batch.Selected != "" {
		d.What.SetSelected(whatBatch)
	} else {
		d.What.SetSelected(whatSearch)
	}
}

// format is the chosen format.
func (d *ExportDialog) format() ExportFormat {
	for _, f := range d.hooks.Formats {
		if f.Label == d.Format.Selected {
			return f
		}
	}
	return ExportFormat{}
}

// Show opens the dialog; in a window too narrow for the choices and the
// first page side by side, the page comes under the choices.
func (d *ExportDialog) Show() {
	if d.win.Canvas().Size().Width < d.form.MinSize().Width+dialogChrome.Width+2*dialogMargin {
		f := d.form.(*fyne.Container)
		f.Layout = layout.NewVBoxLayout()
		f.Objects = []fyne.CanvasObject{d.left, d.previewBox}
	}
	d.dlg.Show()
}

// onEscape cancels a running export, or else closes the dialog.
func (d *ExportDialog) onEscape() {
	if d.cancel != nil {
		d.Stop()
		return
	}
	d.dlg.Hide()
}

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

// batchLabels are the Batch choices in the dialog's locale.
func (d *ExportDialog) batchLabels() []string {
	var labels []string
	d.batches = map[string]int64{}
	for _, b := range d.batchList {
		l := BatchLabel(b, d.formats.Locale())
		d.batches[l] = b.ID
		labels = append(labels, l)
	}
	return labels
}

// setFormats writes the vouchers, and the batch choices, in f's locale.
func (d *ExportDialog) setFormats(f *Formats) {
	i := d.Batch.SelectedIndex()
	d.formats = f
	d.Batch.SetOptions(d.batchLabels())
	if i >= 0 {
		d.Batch.SetSelectedIndex(i)
	}
}

// Request reads the choices, saying what is wrong.
func (d *ExportDialog) Request() (ExportRequest, error) {
	f, err := d.filter()
	if err != nil {
		return ExportRequest{}, err
	}
	fm := d.format()
	r := ExportRequest{Filter: f, Cards: d.count.Cards, Format: fm, Letter: d.Paper.Selected == "Letter",
		IncludeVoid: fm.Vouchers && d.IncludeVoid.Checked, Locale: d.formats.Locale(), MaskPINs: hidePINsPref()}
	if fm.Grid {
		r.Layout = d.Layout.Selected
		fmt.Sscan(d.Down.Selected, &r.Down)
	}
	if fm.CutMarks {
		r.CutMarks = d.CutMarks.Checked
	}
	if fm.Logo {
		r.Logo = d.logo
	}
	if fm.Colours {
		r.Colours = d.Colours.Text
	}
	if fm.Vouchers {
		fmt.Sscan(d.Across.Selected, &r.Across)
		r.CardTemplate = d.CardTemplate.Selected
	}
	if fm.Vouchers && d.QRMode.Selected == qrAddress {
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
	if d.hooks.Check != nil {
		if err := d.hooks.Check(r); err != nil {
			return r, err
		}
	}
	if fm.MaxCards > 0 && d.count.Matched > fm.MaxCards {
		return r, fmt.Errorf("%s cards are more than one file of this kind takes (%s): export a batch or a serial range at a time, or choose CSV",
			groupInt(d.count.Matched), groupInt(fm.MaxCards))
	}
	return r, nil
}

// Changed counts the chosen cards and updates the advice.
func (d *ExportDialog) Changed() {
	fm := d.format()
	for _, w := range []fyne.Disableable{d.Across, d.Paper, d.QRMode, d.Template, d.IncludeVoid} {
		setEnabled(w, fm.Vouchers)
	}
	setEnabled(d.Layout, fm.Grid)
	setEnabled(d.Down, fm.Grid)
	setEnabled(d.CutMarks, fm.CutMarks)
	setEnabled(d.LogoBtn, fm.Logo)
	setEnabled(d.Colours, fm.Colours)
	f, err := d.filter()
	if err != nil {
		d.showProblem(err)
		return
	}
	r, _ := d.Request() // what is wrong with it is said once counted
	r.Filter = f
	d.seq++
	seq := d.seq
	d.tasks.Go(func() {
		var c ExportCount
		var err error
		if d.hooks.Count != nil {
			c, err = d.hooks.Count(context.Background(), r)
		} else {
			c.Matched, err = d.store.Count(context.Background(), f)
			c.Cards = c.Matched
		}
		fyne.Do(func() {
			if seq != d.seq {
				return
			}
			if err != nil {
				d.showProblem(err)
				return
			}
			d.count = c
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
	fm := d.format()
	f, _ := d.filter()
	c := d.count
	text := fmt.Sprintf("%s cards: %s.", groupInt(c.Matched), f.Describe())
	if c.LeftOut != "" {
		text += fmt.Sprintf(" %s will be printed; left out, as they cannot be sold: %s (tick Include void cards to print them stamped).",
			groupInt(c.Cards), c.LeftOut)
	} else if d.IncludeVoid.Checked && fm.Vouchers && c.Cards > 0 {
		text += " Cards that cannot be sold are printed stamped VOID, REDEEMED or EXPIRED."
	}
	over := fm.MaxCards > 0 && c.Matched > fm.MaxCards
	if d.hooks.Estimate != nil && !over {
		if est := d.hooks.Estimate(fm.Name, c.Matched); est > 10*time.Second {
			text += fmt.Sprintf(" This takes about %s; you can cancel it.", est.Round(time.Second))
		}
	}
	switch {
	case fm.Grid:
		text += " The PDF ends with a page of control totals. Cards printed before are marked REPRINT."
	case fm.Vouchers:
		text += " The workbook has a printable Vouchers sheet, a Cards sheet and a Summary."
	}
	d.Info.SetText(text)
	if _, err := d.Request(); err != nil {
		d.showProblem(err)
		return
	}
	if c.Matched == 0 {
		d.showProblem(errors.New("no cards are chosen: change the search or choose a batch"))
		return
	}
	if c.Cards == 0 {
		d.showProblem(fmt.Errorf("none of these cards can be sold (%s): tick Include void cards to print them stamped, or change the search", c.LeftOut))
		return
	}
	d.Problem.Hide()
	d.SaveAs.Enable()
	d.updatePreview()
}

// updatePreview draws the first PDF page in the background.
func (d *ExportDialog) updatePreview() {
	if !d.format().Grid || d.hooks.Preview == nil {
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
				d.logoURI = rc.URI().String()
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
	ext := r.Format.Ext
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
		// one; it does not add the extension, so a name without one gets it
		// (the app's SavePath), and replacing that other file must be asked
		// for here. File work runs off the UI goroutine.
		d.tasks.Go(func() {
			final, exists, err := path, false, error(nil)
			if d.hooks.SavePath != nil {
				final, exists, err = d.hooks.SavePath(path, ext)
			}
			fyne.Do(func() {
				switch {
				case err != nil:
					d.showProblem(err)
				case final == path:
					d.Start(final, true) // the save dialog asked
				case !exists:
					d.Start(final, false)
				default:
					ask, _ := newConfirm("Replace file?", final+" exists. Replace it?", "Replace", func(ok bool) {
						if ok {
							d.Start(final, true)
						}
					}, d.win)
					ask.Show()
				}
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
	d.remember()
	d.Open.Hide()
	d.ShowFile.Hide()
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.form.Hide()
	d.buttons.Hide()
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
	fyne.Do(func() {
		d.cancel = nil
		d.busy.Hide()
		d.form.Show()
		d.buttons.Show()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				d.showProblem(errors.New("export cancelled: no file was written"))
			} else {
				d.showProblem(err)
			}
			return
		}
		d.Problem.Hide()
		d.written = r.Path
		d.Open.Show()
		d.ShowFile.Show()
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
			hooks := v.ExportHooks
			run := hooks.Run
			hooks.Run = func(ctx context.Context, r ExportRequest, progress func(done, total int64)) (string, error) {
				msg, err := run(ctx, r, progress)
				fyne.Do(v.RefreshInBackground) // the Printed column moved
				return msg, err
			}
			d := NewExportDialog(v.store, v.tasks, v.win, hooks, f, sel, bs)
			d.setFormats(v.formats)
			v.LastExport = d
			d.Show()
		})
	})
}
