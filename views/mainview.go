package views

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// MainView is the window's content: the search sidebar, the card table, a
// footer with totals and the status legend.
type MainView struct {
	widget.BaseWidget
	store Store
	win   fyne.Window
	tasks *Tasks

	Search     *SearchPanel
	Table      *CardTable
	Footer     *widget.Label
	Selection  *widget.Label
	CopySerial *widget.Button
	CopyPIN    *widget.Button
	ShowPIN    *widget.Button
	HidePINs   *widget.Check
	// Stale says the search was refused and the rows are the last one's.
	Stale     *widget.Label
	Empty     *fyne.Container
	EmptyText *widget.Label
	EmptyBtn  *widget.Button

	// ExportHooks run exports (the app wires them to the export package).
	ExportHooks ExportHooks
	// PrintBatch, when set, is offered after Generate as "Print this
	// batch now" (in the dialog generated).
	PrintBatch func(batch int64)
	generated  *dialog.ConfirmDialog

	// The dialogs opened last (tests reach them).
	lastGenerate  *GenerateDialog
	lastMassEdit  *MassEditDialog
	lastRedeem    *RedeemDialog
	lastResellers *ResellersDialog
	lastHistory   *HistoryDialog
	lastSettings  *SettingsDialog
	// LastExport is the Export dialog opened last; the app's tests drive
	// it with the app's export wiring.
	LastExport *ExportDialog

	filter   data.Filter
	summary  data.Summary
	allCards int64
	// loads counts the table's loads (reloadTable, any goroutine), so that
	// a load's totals never show over a newer search's; totalsReady shows
	// the last load's totals if they are in (reloadTable, onCounted).
	loads       atomic.Int64
	totalsReady atomic.Pointer[func() bool]
	content     fyne.CanvasObject
	chips       *chipBar
	watch       watcher
	// shownPIN is the card whose whole PIN the selection shows (on the
	// record: RecordReveal); 0 none.
	shownPIN int64

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// NewMainView builds the main view over store in win; Reload fills it.
func NewMainView(store Store, win fyne.Window, tasks *Tasks) *MainView {
	v := &MainView{store: store, win: win, tasks: tasks}
	v.formats = FormatsFromPreferences(fyne.CurrentApp().Preferences())
	v.formats.onChange(v.onFormatsChanged)
	v.Search = NewSearchPanel(win)
	v.Search.setFormats(v.formats)
	v.Search.OnSearch = func(f data.Filter) { v.SetFilter(f) }
	v.Search.OnInvalid = v.onInvalidSearch
	v.Table = NewCardTable(store, tasks)
	v.Table.formats = v.formats
	v.Table.fitFormats()
	v.Table.OnSortChanged = func(o data.Sort) {
		f := v.filter
		v.tasks.Go(func() { v.reloadTable(context.Background(), f, o) })
	}
	v.Table.OnSelected = v.onSelected
	v.Table.OnCounted = v.onCounted
	v.Footer = widget.NewLabel("Loading…")
	v.Footer.Wrapping = fyne.TextWrapWord
	v.Selection = widget.NewLabel("")
	v.Selection.Truncation = fyne.TextTruncateEllipsis
	v.CopySerial = widget.NewButtonWithIcon("Copy serial", theme.ContentCopyIcon(), func() { v.copySelected(false) })
	v.CopyPIN = widget.NewButtonWithIcon("Copy PIN", theme.ContentCopyIcon(), func() { v.copySelected(true) })
	v.ShowPIN = widget.NewButtonWithIcon("Show PIN", theme.VisibilityIcon(), v.showSelectedPIN)
	v.CopySerial.Disable()
	v.CopyPIN.Disable()
	v.ShowPIN.Disable()
	v.HidePINs = widget.NewCheck("Hide PINs", v.onHidePINs)
	v.HidePINs.Checked = hidePINsPref()
	v.Table.hidePINs = v.HidePINs.Checked
	v.Stale = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.Stale.Importance = widget.WarningImportance
	v.Stale.Wrapping = fyne.TextWrapWord
	v.Stale.Hide()
	v.chips = newChipBar(v.Search.Clear)
	v.EmptyText = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.EmptyBtn = widget.NewButton("", nil)
	v.EmptyBtn.Importance = widget.HighImportance
	v.Empty = container.NewCenter(container.NewVBox(v.EmptyText, container.NewCenter(v.EmptyBtn)))
	v.Empty.Hide()
	bar := container.NewHBox(
		v.managerOnly(widget.NewButtonWithIcon("Generate Top-Up Cards", theme.ContentAddIcon(), v.ShowGenerate)),
		v.managerOnly(widget.NewButtonWithIcon("Mass Edit", theme.DocumentCreateIcon(), v.ShowMassEdit)),
		widget.NewButtonWithIcon("Redeem", theme.ConfirmIcon(), v.ShowRedeem),
		v.managerOnly(widget.NewButtonWithIcon("Export", theme.DocumentSaveIcon(), v.ShowExport)),
		widget.NewSeparator(),
		widget.NewButtonWithIcon("Resellers", theme.AccountIcon(), v.ShowResellers),
		widget.NewButtonWithIcon("History & Backups", theme.HistoryIcon(), v.ShowHistory),
		widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), v.ShowSettings),
	)
	v.managerOnly(v.ShowPIN) // a cashier's PINs are masked by the server
	v.managerOnly(v.CopyPIN)
	selBar := container.NewBorder(nil, nil, container.NewHBox(v.CopySerial, v.ShowPIN, v.CopyPIN), v.HidePINs, v.Selection)
	// The footer wraps rather than cut a total in a narrow window.
	footer := container.NewBorder(widget.NewSeparator(), nil, nil, Legend(), v.Footer)
	tableArea := container.NewStack(v.Table, v.Empty)
	center := container.NewBorder(container.NewVBox(v.chips.bar, v.Stale), container.NewVBox(selBar, footer), nil, nil, tableArea)
	split := container.NewHSplit(v.Search, center)
	split.Offset = 0.18 // room for a whole serial and a date's placeholder
	v.content = container.NewBorder(container.NewVBox(bar, widget.NewSeparator()), nil, nil, nil, split)
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer shows the view.
func (v *MainView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.content) }

// Filter is the current search.
func (v *MainView) Filter() data.Filter { return v.filter }

// SetFilter searches: the table, footer and choices follow.
func (v *MainView) SetFilter(f data.Filter) {
	v.filter = f
	v.Stale.Hide()
	v.chips.set(f, v.Table.hidePINs, v.formats.Locale())
	v.LoadInBackground()
}

// onInvalidSearch says that the search was refused: the rows on screen are
// still the last search's, and the field that is wrong is marked.
func (v *MainView) onInvalidSearch(err error) {
	v.Stale.SetText(fmt.Sprintf("Search not run: %s. The rows below are still those of the last search (%s).",
		strings.TrimSuffix(personMessage(err), "."), v.filter.Describe()))
	v.Stale.Show()
}

// RefreshInBackground re-reads what is on screen in place, after a change
// made in this window or noticed elsewhere (Watch): the rows, the footer
// and the choices of the sidebar, keeping the search, scroll position and
// selection.
func (v *MainView) RefreshInBackground() {
	st := v.Table.refreshState()
	f := v.filter
	v.tasks.Go(func() { v.refresh(context.Background(), f, st) })
}

// refresh is RefreshInBackground's disk work.
func (v *MainView) refresh(ctx context.Context, f data.Filter, st refreshState) {
	if !reflect.DeepEqual(st.f, f) {
		st.f = f // the table had not loaded the search yet
	}
	err := v.Table.Update(ctx, st)
	var sum data.Summary
	var all int64
	if err == nil {
		sum, err = v.store.Summarize(ctx, f)
		all = sum.Cards
	}
	if err == nil && !f.IsEmpty() {
		all, err = v.store.Count(ctx, data.Filter{})
	}
	rs, err1 := v.store.Resellers(ctx)
	bs, err2 := v.store.Batches(ctx)
	fyne.Do(func() {
		if err != nil {
			v.Footer.SetText("Could not read the cards: " + personMessage(err))
			return
		}
		v.summary, v.allCards = sum, all
		v.Footer.SetText(FooterText(sum, f, v.formats.Locale()))
		v.updateEmpty()
		if err1 == nil {
			v.Search.SetResellers(rs)
			v.Table.FitResellers(rs)
		}
		if err2 == nil {
			v.Search.SetBatches(bs)
		}
		if err := errors.Join(err1, err2); err != nil {
			v.Footer.SetText(v.Footer.Text + " · the Reseller and Batch choices could not be read: " + personMessage(err))
		}
	})
}

// LoadInBackground reads the current search and order now, on the UI
// goroutine, and loads what the view shows for them through Tasks.
func (v *MainView) LoadInBackground() {
	f, o := v.filter, v.Table.Sort()
	v.tasks.Go(func() { v.Reload(context.Background(), f, o) })
}

// Reload reads everything the view shows for the search f in the order o.
// It does disk work: run it through Tasks, with f and o read on the UI
// goroutine (LoadInBackground).
func (v *MainView) Reload(ctx context.Context, f data.Filter, o data.Sort) {
	if err := v.reloadTable(ctx, f, o); err != nil {
		return
	}
	rs, err1 := v.store.Resellers(ctx)
	bs, err2 := v.store.Batches(ctx)
	fyne.Do(func() {
		if err1 == nil {
			v.Search.SetResellers(rs)
			v.Table.FitResellers(rs)
		}
		if err2 == nil {
			v.Search.SetBatches(bs)
		}
		if err := errors.Join(err1, err2); err != nil {
			v.Footer.SetText(v.Footer.Text + " · the Reseller and Batch choices could not be read: " + personMessage(err))
		}
	})
}

// reloadTable reloads the table and the footer for the current search.
// The count and first page show at once; the totals per currency follow
// (on a million cards they take a few hundred milliseconds).
func (v *MainView) reloadTable(ctx context.Context, f data.Filter, o data.Sort) error {
	load := v.loads.Add(1)
	var all int64
	var sum data.Summary
	var sumErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		sum, sumErr = v.store.Summarize(ctx, f)
		all = sum.Cards
		if sumErr == nil && !f.IsEmpty() { // the empty search has counted them all already
			all, sumErr = v.store.Count(ctx, data.Filter{})
		}
	}()
	// Most searches are totalled from kept counts in a moment: when the
	// count is shown (onCounted, on the UI goroutine) the totals may be in
	// already, and then show with it rather than after the ordered ids of
	// every row.
	ready := func() bool {
		select {
		case <-done:
			if sumErr == nil {
				v.showTotals(load, sum, all, f)
				return true
			}
		default:
		}
		return false
	}
	v.totalsReady.Store(&ready)
	err := v.Table.Load(ctx, f, o)
	<-done
	if err == nil {
		err = sumErr
	}
	fyne.Do(func() {
		if v.loads.Load() != load {
			return // a newer search is loading
		}
		if err != nil {
			v.Footer.SetText("Could not read the cards: " + err.Error())
			v.showError(fmt.Errorf("could not read the cards from %s: %w", v.store.Path(), err))
			return
		}
		v.showTotals(load, sum, all, f)
		v.updateEmpty()
	})
	return err
}

// showTotals shows in the footer the totals of the search f that load
// read (on the UI goroutine), unless a newer search is loading.
func (v *MainView) showTotals(load int64, sum data.Summary, all int64, f data.Filter) {
	if v.loads.Load() != load {
		return
	}
	v.summary, v.allCards = sum, all
	v.Footer.SetText(FooterText(sum, f, v.formats.Locale()))
}

// onCounted shows the count while the totals are being added up.
func (v *MainView) onCounted(n int) {
	if n > 0 {
		v.Empty.Hide()
	}
	if ready := v.totalsReady.Load(); ready != nil && (*ready)() {
		return // the totals are in already, and shown
	}
	what := "cards"
	if n == 1 {
		what = "card"
	}
	v.Footer.SetText(fmt.Sprintf("%s %s · adding up the face value…", groupInt(int64(n)), what))
}

// onFormatsChanged shows everything again in the locale just chosen.
func (v *MainView) onFormatsChanged() {
	v.Table.fitFormats()
	v.Table.Refresh()
	v.Footer.SetText(FooterText(v.summary, v.filter, v.formats.Locale()))
	v.Search.setFormats(v.formats)
}

// FooterText says how many cards match, their face value per currency and
// how much of it is still unredeemed, in locale l.
func FooterText(sum data.Summary, f data.Filter, l data.Locale) string {
	var b strings.Builder
	what := "cards"
	if sum.Cards == 1 {
		what = "card"
	}
	fmt.Fprintf(&b, "%s %s", l.Count(sum.Cards), what)
	switch {
	case f.IsEmpty():
	case sum.Cards == 1:
		b.WriteString(" matches")
	default:
		b.WriteString(" match")
	}
	for _, t := range sum.Totals {
		fmt.Fprintf(&b, " · %s face value (%s unredeemed)",
			l.Amount(data.Money{Minor: t.Face, Currency: t.Currency}), l.Amount(data.Money{Minor: t.Unredeemed, Currency: t.Currency}))
	}
	return b.String()
}

func groupInt(n int64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// updateEmpty says what to do when the table has nothing to show.
func (v *MainView) updateEmpty() {
	v.EmptyBtn.Show()
	switch {
	case v.allCards == 0 && cashier(v.store):
		v.EmptyText.SetText("No cards yet: a manager's login generates them.")
		v.EmptyBtn.Hide()
		v.Empty.Show()
	case v.allCards == 0:
		v.EmptyText.SetText("No cards yet.\nGenerate a first batch: choose its amount, quantity and series,\nand the cards are ready to print and hand out.")
		v.EmptyBtn.SetText("Generate Top-Up Cards")
		v.EmptyBtn.OnTapped = v.ShowGenerate
		v.Empty.Show()
	case v.summary.Cards == 0:
		v.EmptyText.SetText("No cards match this search (" + v.filter.Describe() + ").")
		v.EmptyBtn.SetText("Reset the search")
		v.EmptyBtn.OnTapped = v.Search.Reset
		v.Empty.Show()
	default:
		v.Empty.Hide()
	}
}

func (v *MainView) onSelected(c *data.Card) {
	if c == nil || c.ID != v.shownPIN {
		v.shownPIN = 0
	}
	if c == nil {
		v.Selection.SetText("")
		v.CopySerial.Disable()
		v.CopyPIN.Disable()
		v.ShowPIN.Disable()
		return
	}
	pin := data.GroupPIN(c.PIN)
	if v.Table.hidePINs && v.shownPIN != c.ID {
		pin = data.MaskPIN(c.PIN)
	}
	v.Selection.SetText(fmt.Sprintf("Selected: %s · PIN %s", c.Serial, pin))
	v.CopySerial.Enable()
	v.CopyPIN.Enable()
	if v.Table.hidePINs && v.shownPIN != c.ID {
		v.ShowPIN.Enable()
	} else {
		v.ShowPIN.Disable()
	}
}

func (v *MainView) copySelected(pin bool) {
	c, ok := v.Table.Selected()
	if !ok {
		return
	}
	if !pin {
		fyne.CurrentApp().Clipboard().SetContent(c.Serial.String())
		return
	}
	// A copied PIN leaves the screen's control: on the record first.
	v.reveal(data.RevealCopied, c, func() { fyne.CurrentApp().Clipboard().SetContent(c.PIN) })
}

// showError shows err in a dialog with what to do.
func (v *MainView) showError(err error) {
	showError(fmt.Errorf("%s", personMessage(err)), v.win)
}

// FocusSearch puts the cursor in the first search field.
func (v *MainView) FocusSearch() { v.win.Canvas().Focus(v.Search.SerialFrom) }
