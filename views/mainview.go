package views

import (
	"context"
	"fmt"
	"strings"
	"sync"

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
	Empty      *fyne.Container
	EmptyText  *widget.Label
	EmptyBtn   *widget.Button

	// ExportHooks run exports (the app wires them to the export package).
	ExportHooks ExportHooks
	// PrintBatch, when set, is offered after Generate as "Print this
	// batch now".
	PrintBatch func(batch int64)

	// The dialogs opened last, for tests.
	LastGenerate  *GenerateDialog
	LastMassEdit  *MassEditDialog
	LastRedeem    *RedeemDialog
	LastResellers *ResellersDialog
	LastHistory   *HistoryDialog
	LastExport    *ExportDialog

	filter   data.Filter
	summary  data.Summary
	allCards int64
	content  fyne.CanvasObject
}

// NewMainView builds the main view over store in win; Reload fills it.
func NewMainView(store Store, win fyne.Window, tasks *Tasks) *MainView {
	v := &MainView{store: store, win: win, tasks: tasks}
	v.Search = NewSearchPanel(win)
	v.Search.OnSearch = func(f data.Filter) { v.SetFilter(f) }
	v.Table = NewCardTable(store, tasks)
	v.Table.OnSortChanged = func(o data.Sort) {
		f := v.filter
		v.tasks.Go(func() { v.reloadTable(context.Background(), f, o) })
	}
	v.Table.OnSelected = v.onSelected
	v.Table.OnCounted = v.onCounted
	v.Footer = widget.NewLabel("Loading…")
	v.Footer.Truncation = fyne.TextTruncateEllipsis
	v.Selection = widget.NewLabel("")
	v.CopySerial = widget.NewButtonWithIcon("Copy serial", theme.ContentCopyIcon(), func() { v.copySelected(false) })
	v.CopyPIN = widget.NewButtonWithIcon("Copy PIN", theme.ContentCopyIcon(), func() { v.copySelected(true) })
	v.CopySerial.Disable()
	v.CopyPIN.Disable()
	v.EmptyText = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.EmptyBtn = widget.NewButton("", nil)
	v.EmptyBtn.Importance = widget.HighImportance
	v.Empty = container.NewCenter(container.NewVBox(v.EmptyText, container.NewCenter(v.EmptyBtn)))
	v.Empty.Hide()
	bar := container.NewHBox(
		widget.NewButtonWithIcon("Generate Top-Up Cards", theme.ContentAddIcon(), v.ShowGenerate),
		widget.NewButtonWithIcon("Mass Edit", theme.DocumentCreateIcon(), v.ShowMassEdit),
		widget.NewButtonWithIcon("Redeem", theme.ConfirmIcon(), v.ShowRedeem),
		widget.NewButtonWithIcon("Export", theme.DocumentSaveIcon(), v.ShowExport),
		widget.NewSeparator(),
		widget.NewButtonWithIcon("Resellers", theme.AccountIcon(), v.ShowResellers),
		widget.NewButtonWithIcon("History & Backups", theme.HistoryIcon(), v.ShowHistory),
	)
	selBar := container.NewBorder(nil, nil, container.NewHBox(v.CopySerial, v.CopyPIN, v.Selection), Legend())
	footer := container.NewBorder(widget.NewSeparator(), nil, nil, nil, v.Footer)
	tableArea := container.NewStack(v.Table, v.Empty)
	center := container.NewBorder(nil, container.NewVBox(selBar, footer), nil, nil, tableArea)
	split := container.NewHSplit(v.Search, center)
	split.Offset = 0.15
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
	v.LoadInBackground()
}

// LoadInBackground reads the current search and order now, on the UI
// goroutine, and loads what the view shows for them through Tasks.
func (v *MainView) LoadInBackground() {
	f, o := v.filter, v.Table.Sort()
	v.tasks.Go(func() { v.Reload(context.Background(), f, o) })
}

// reloadTableInBackground is LoadInBackground for the table and footer
// alone (a redemption changes no reseller or batch).
func (v *MainView) reloadTableInBackground() {
	f, o := v.filter, v.Table.Sort()
	v.tasks.Go(func() { v.reloadTable(context.Background(), f, o) })
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
		}
		if err2 == nil {
			v.Search.SetBatches(bs)
		}
	})
}

// reloadTable reloads the table and the footer for the current search.
// The count and first page show at once; the totals per currency follow
// (on a million cards they take a few hundred milliseconds).
func (v *MainView) reloadTable(ctx context.Context, f data.Filter, o data.Sort) error {
	var all int64
	var sum data.Summary
	var sumErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sum, sumErr = v.store.Summarize(ctx, f)
		all = sum.Cards
		if sumErr == nil && !f.IsEmpty() { // the empty search has counted them all already
			all, sumErr = v.store.Count(ctx, data.Filter{})
		}
	}()
	err := v.Table.Load(ctx, f, o)
	wg.Wait()
	if err == nil {
		err = sumErr
	}
	fyne.Do(func() {
		if err != nil {
			v.Footer.SetText("Could not read the cards: " + err.Error())
			v.showError(fmt.Errorf("could not read the cards from %s: %w", v.store.Path(), err))
			return
		}
		v.summary, v.allCards = sum, all
		v.Footer.SetText(FooterText(sum, f))
		v.updateEmpty()
	})
	return err
}

// onCounted shows the count while the totals are being added up.
func (v *MainView) onCounted(n int) {
	what := "cards"
	if n == 1 {
		what = "card"
	}
	v.Footer.SetText(fmt.Sprintf("%s %s · adding up the face value…", groupInt(int64(n)), what))
	if n > 0 {
		v.Empty.Hide()
	}
}

// FooterText says how many cards match, their face value per currency and
// how much of it is still unredeemed.
func FooterText(sum data.Summary, f data.Filter) string {
	var b strings.Builder
	what := "cards"
	if sum.Cards == 1 {
		what = "card"
	}
	fmt.Fprintf(&b, "%s %s", groupInt(sum.Cards), what)
	if !f.IsEmpty() {
		b.WriteString(" match")
	}
	for _, t := range sum.Totals {
		fmt.Fprintf(&b, " · %s face value (%s unredeemed)",
			data.Money{Minor: t.Face, Currency: t.Currency}.Display(), data.Money{Minor: t.Unredeemed, Currency: t.Currency}.Display())
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
	switch {
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
	if c == nil {
		v.Selection.SetText("")
		v.CopySerial.Disable()
		v.CopyPIN.Disable()
		return
	}
	v.Selection.SetText(fmt.Sprintf("Selected: %s · PIN %s", c.Serial, data.GroupPIN(c.PIN)))
	v.CopySerial.Enable()
	v.CopyPIN.Enable()
}

func (v *MainView) copySelected(pin bool) {
	c, ok := v.Table.Selected()
	if !ok {
		return
	}
	text := c.Serial.String()
	if pin {
		text = c.PIN
	}
	fyne.CurrentApp().Clipboard().SetContent(text)
}

// showError shows err in a dialog with what to do.
func (v *MainView) showError(err error) {
	dialog.ShowError(fmt.Errorf("%s", personMessage(err)), v.win)
}

// FocusSearch puts the cursor in the first search field.
func (v *MainView) FocusSearch() { v.win.Canvas().Focus(v.Search.SerialFrom) }
