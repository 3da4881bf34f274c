package views

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"topupcards/data"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// HistoryDialog shows the audit log, newest first, the print runs, and the
// backups with Back up now and a way to restore one.
type HistoryDialog struct {
	store     Store
	tasks     *Tasks
	win       fyne.Window
	History   *keyTable
	Backups   *keyList
	PrintRuns *keyList
	BackUp    *keyButton
	Restore   *keyButton
	Message   *widget.Label
	// Details shows the whole of the selected history entry.
	Details *keyButton
	// Note says what the last undo did, under the history table.
	Note *widget.Label
	dlg  *keyedDialog
	keys *dialogKeys
	// details is the detail view open now, copyDetail its Copy.
	details    *keyedDialog
	copyDetail *keyButton
	// row is the history entry selected (-1: none).
	row int
	// confirm is the restore's confirmation while it is shown;
	// undoConfirm the undo's.
	confirm     *dialog.ConfirmDialog
	undoConfirm *dialog.ConfirmDialog

	entries []data.HistoryEntry
	backups []data.Backup
	runs    []data.PrintRun
	sel     int

	// OnRestored is told after a restore or an undo: the cards changed.
	OnRestored func(msg string)

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// NewHistoryDialog builds the dialog.
func NewHistoryDialog(store Store, tasks *Tasks, win fyne.Window) *HistoryDialog {
	h := &HistoryDialog{store: store, tasks: tasks, win: win, sel: -1, row: -1}
	// Escape closes; Enter on a history row shows all of it.
	h.keys = &dialogKeys{}
	h.History = h.keys.table(func() (int, int) { return len(h.entries), len(historyColumns) },
		h.newHistoryCell, h.updateHistoryCell)
	h.History.OnSelected = func(id widget.TableCellID) {
		h.row = id.Row
		h.Details.Enable()
	}
	h.History.onEnter = h.ShowDetails
	h.History.ShowHeaderRow = true
	h.History.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	h.History.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(historyColumns) {
			o.(*widget.Label).SetText(historyColumns[id.Col].title)
		}
	}
	for i, c := range historyColumns {
		h.History.SetColumnWidth(i, c.width)
	}
	backups := h.makeBackups()
	h.PrintRuns = h.keys.list(func() int { return len(h.runs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(PrintRunText(h.runs[i], h.formats.Locale()))
		})
	runs := container.NewBorder(widget.NewLabel("Every voucher sheet written (PDF or Excel): when, which cards, which layout, where the file went."),
		nil, nil, nil, h.PrintRuns)
	h.Note = widget.NewLabel("Mass edits and deletes can be undone for a set number of days (90 unless changed); redeemed cards stay redeemed.")
	h.Note.Wrapping = fyne.TextWrapWord
	h.Details = h.keys.button("Details…", theme.InfoIcon(), h.ShowDetails)
	h.Details.Disable()
	hint := widget.NewLabel("Double-click a row, or select it and press Enter, to read all of it.")
	hint.Importance = widget.LowImportance
	histBottom := container.NewVBox(h.Note, container.NewBorder(nil, nil, nil, h.Details, hint))
	tabs := container.NewAppTabs(container.NewTabItem("History", container.NewBorder(nil, histBottom, nil, nil, h.History)), container.NewTabItem("Print runs", runs),
		container.NewTabItem("Backups", backups))
	closeBtn := h.keys.button("Close", nil, func() { h.dlg.Hide() })
	// As large as the window allows, up to 1100 × 620: the table scrolls.
	h.dlg = newKeyedDialog("History & Backups", tabs, container.NewHBox(layoutSpacer(), closeBtn), h.keys, win, fyne.NewSize(1100, 620))
	h.dlg.first = h.History
	return h
}

// The history table's columns.
const (
	histColID = iota
	histColWhen
	histColAction
	histColCards
	histColUndo
	histColWhat
)

var historyColumns = []struct {
	title string
	width float32
}{
	histColID: {"#", 60}, histColWhen: {"When", 200}, histColAction: {"Action", 145}, histColCards: {"Cards", 80},
	histColUndo: {"Undo", 120}, histColWhat: {"What", 600},
}

// newHistoryCell is a label, or in the Undo column an Undo button over it;
// a double click on it shows the whole entry.
func (h *HistoryDialog) newHistoryCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	b := widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), nil)
	b.Importance = widget.LowImportance
	b.Hide()
	return newClickCell(container.NewStack(l, b))
}

func (h *HistoryDialog) updateHistoryCell(id widget.TableCellID, o fyne.CanvasObject) {
	cell := o.(*clickCell)
	cell.onTap = func() { h.History.Select(id) }
	cell.onDoubleTap = func() {
		h.History.Select(id)
		h.ShowDetails()
	}
	st := cell.content.(*fyne.Container)
	l, b := st.Objects[0].(*widget.Label), st.Objects[1].(*widget.Button)
	e := h.entries[id.Row]
	b.Hide()
	l.Show()
	var s string
	switch id.Col {
	case histColID:
		s = fmt.Sprintf("%d", e.ID)
	case histColWhen:
		s = h.formats.Locale().Timestamp(e.At)
	case histColAction:
		s = e.Action
	case histColCards:
		s = groupInt(e.Cards)
	case histColUndo:
		switch {
		case e.Undoable:
			l.Hide()
			b.OnTapped = func() { h.onUndo(e) }
			b.Show()
		case e.UndoneBy != 0:
			s = fmt.Sprintf("undone (#%d)", e.UndoneBy)
		}
	case histColWhat:
		s = e.Detail
		if e.Filter != "" {
			s += " [" + e.Filter + "]"
		}
	}
	l.SetText(s)
}

// onUndo asks before taking back entry e.
func (h *HistoryDialog) onUndo(e data.HistoryEntry) {
	what := e.Detail
	if e.Filter != "" {
		what += "\n(" + e.Filter + ")"
	}
	var ask *keyedDialog
	ask, h.undoConfirm = newConfirm(fmt.Sprintf("Undo #%d", e.ID), fmt.Sprintf(
		"Take back %s of %s:\n%s?\n\nCards redeemed since stay redeemed. If any of these cards was changed since\nby a later edit or delete, nothing is changed and the cards are named.",
		e.Action, h.formats.Locale().Timestamp(e.At), what), "Undo", func(ok bool) {
		if ok {
			h.tasks.Go(func() { h.Undo(context.Background(), e.ID) })
		}
	}, h.win)
	ask.Show()
}

// Undo takes back history entry op (disk work) and says what it did.
func (h *HistoryDialog) Undo(ctx context.Context, op int64) {
	res, err := h.store.Undo(ctx, op)
	if err != nil {
		fyne.Do(func() {
			showError(errors.New(personMessage(err)), h.win)
		})
		return
	}
	h.Load(ctx)
	msg := fmt.Sprintf("Undid #%d: %s deleted cards put back, %s cards given their values before.",
		op, groupInt(res.Restored), groupInt(res.Reverted))
	fyne.Do(func() {
		h.Note.SetText(msg)
		h.Note.Importance = widget.SuccessImportance
		h.Note.Refresh()
		if h.OnRestored != nil {
			h.OnRestored(msg)
		}
	})
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n/1024)
}

// Show opens the dialog and loads it.
func (h *HistoryDialog) Show() {
	// When is as wide as the locale writes a time with its offset.
	at := time.Date(2088, 12, 28, 22, 58, 58, 0, time.Local)
	h.History.SetColumnWidth(histColWhen, max(historyColumns[histColWhen].width,
		fyne.MeasureText(h.formats.Locale().Timestamp(at), theme.TextSize(), fyne.TextStyle{}).Width+2*theme.InnerPadding()+theme.Padding()))
	h.dlg.Show()
	h.tasks.Go(func() { h.Load(context.Background()) })
}

// Load reads the history, the print runs and the backups (disk work).
func (h *HistoryDialog) Load(ctx context.Context) {
	es, err := h.store.History(ctx, 1000)
	var bs []data.Backup
	var rs []data.PrintRun
	var serverBackups error // a server's backups are the server's job
	if err == nil {
		bs, err = h.store.Backups(ctx)
		if errors.Is(err, data.ErrNotSupported) {
			serverBackups, err = err, nil
		}
	}
	if err == nil {
		rs, err = h.store.PrintRuns(ctx, 1000)
	}
	fyne.Do(func() {
		if err != nil {
			h.Message.SetText(personMessage(err))
			return
		}
		h.entries, h.backups, h.runs, h.sel, h.row = es, bs, rs, -1, -1
		h.History.UnselectAll()
		h.Details.Disable()
		h.Restore.Disable()
		h.Backups.UnselectAll()
		h.History.Refresh()
		h.Backups.Refresh()
		h.PrintRuns.Refresh()
		if serverBackups != nil {
			h.BackUp.Disable()
			h.say(personMessage(serverBackups), widget.MediumImportance)
		}
	})
}

// ShowHistory opens History & Backups.
func (v *MainView) ShowHistory() {
	h := NewHistoryDialog(v.store, v.tasks, v.win)
	h.formats = v.formats
	h.OnRestored = func(string) { v.RefreshInBackground() }
	v.lastHistory = h
	h.Show()
}

// PrintRunText is one line of the print runs list.
func PrintRunText(r data.PrintRun, l data.Locale) string {
	s := fmt.Sprintf("%s · %s cards as %s", l.Timestamp(r.At), groupInt(r.Cards), strings.ToUpper(r.Format))
	if r.Layout != "" {
		s += " " + r.Layout
	}
	if r.Reprints > 0 {
		s += fmt.Sprintf(" (%s reprints)", groupInt(r.Reprints))
	}
	return s + " · " + r.Filter + " · " + r.Path
}

// HistoryDetail is the whole of one history entry, as the detail view shows
// it (and copies it).
func HistoryDetail(e data.HistoryEntry, l data.Locale) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d · %s · %s\n", e.ID, l.Timestamp(e.At), e.Action)
	fmt.Fprintf(&b, "Cards: %s\n", groupInt(e.Cards))
	switch {
	case e.Undoable:
		b.WriteString("Can be undone.\n")
	case e.UndoneBy != 0:
		fmt.Fprintf(&b, "Undone by #%d.\n", e.UndoneBy)
	}
	b.WriteString("\n" + e.Detail)
	if e.Filter != "" {
		b.WriteString("\n\nCards chosen by: " + e.Filter)
	}
	return b.String()
}

// ShowDetails opens the whole of the selected history entry in a window of
// its own: the text wraps, can be selected and copied.
func (h *HistoryDialog) ShowDetails() {
	if h.row < 0 || h.row >= len(h.entries) {
		return
	}
	e := h.entries[h.row]
	text := HistoryDetail(e, h.formats.Locale())
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	body.Selectable = true
	keys := &dialogKeys{}
	var d *keyedDialog
	copyBtn := keys.button("Copy", theme.ContentCopyIcon(), func() { fyne.CurrentApp().Clipboard().SetContent(text) })
	closeBtn := keys.button("Close", nil, func() { d.Hide() })
	closeBtn.Importance = widget.HighImportance
	keys.Enter = func() { d.Hide() }
	d = newKeyedDialog(fmt.Sprintf("History #%d", e.ID), body, container.NewHBox(layoutSpacer(), copyBtn, closeBtn), keys, h.win,
		fyne.NewSize(640, 0))
	d.first = closeBtn
	d.wheelEverywhere()
	h.details, h.copyDetail = d, copyBtn
	d.Show()
}

// clickCell is a table cell that selects its row on a click and runs
// onDoubleTap on a double click.
type clickCell struct {
	widget.BaseWidget
	content            fyne.CanvasObject
	onTap, onDoubleTap func()
}

func newClickCell(content fyne.CanvasObject) *clickCell {
	c := &clickCell{content: content}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped selects the cell's row.
func (c *clickCell) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

// DoubleTapped runs onDoubleTap.
func (c *clickCell) DoubleTapped(*fyne.PointEvent) {
	if c.onDoubleTap != nil {
		c.onDoubleTap()
	}
}

// CreateRenderer shows the content.
func (c *clickCell) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.content) }
