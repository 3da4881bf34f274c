package views

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// HistoryDialog shows the audit log, newest first, the print runs, and the
// backups with Back up now and a way to restore one.
type HistoryDialog struct {
	store     Store
	tasks     *Tasks
	win       fyne.Window
	History   *widget.Table
	Backups   *widget.List
	PrintRuns *widget.List
	BackUp    *widget.Button
	Restore   *widget.Button
	Message   *widget.Label
	// Note says what the last undo did, under the history table.
	Note *widget.Label
	dlg  *dialog.CustomDialog
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
}

// NewHistoryDialog builds the dialog.
func NewHistoryDialog(store Store, tasks *Tasks, win fyne.Window) *HistoryDialog {
	h := &HistoryDialog{store: store, tasks: tasks, win: win, sel: -1}
	h.History = widget.NewTable(func() (int, int) { return len(h.entries), len(historyColumns) },
		newHistoryCell, h.updateHistoryCell)
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
	h.PrintRuns = widget.NewList(func() int { return len(h.runs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(PrintRunText(h.runs[i]))
		})
	runs := container.NewBorder(widget.NewLabel("Every voucher sheet written (PDF or Excel): when, which cards, which layout, where the file went."),
		nil, nil, nil, h.PrintRuns)
	h.Note = widget.NewLabel("Mass edits and deletes can be undone for a set number of days (90 unless changed); redeemed cards stay redeemed.")
	h.Note.Wrapping = fyne.TextWrapWord
	tabs := container.NewAppTabs(container.NewTabItem("History", container.NewBorder(nil, h.Note, nil, nil, h.History)), container.NewTabItem("Print runs", runs),
		container.NewTabItem("Backups", backups))
	closeBtn := widget.NewButton("Close", func() { h.dlg.Hide() })
	h.dlg = dialog.NewCustomWithoutButtons("History & Backups", container.NewBorder(nil, container.NewHBox(layoutSpacer(), closeBtn), nil, nil, tabs), win)
	// As large as the window allows, up to 1100 × 620: the table scrolls.
	ws := win.Canvas().Size()
	h.dlg.Resize(fyne.NewSize(min(1100, max(600, ws.Width-40)), min(620, max(400, ws.Height-40))))
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
	histColID: {"#", 60}, histColWhen: {"When", 200}, histColAction: {"Action", 110}, histColCards: {"Cards", 80},
	histColUndo: {"Undo", 120}, histColWhat: {"What", 600},
}

// newHistoryCell is a label, or in the Undo column an Undo button over it.
func newHistoryCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	b := widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), nil)
	b.Importance = widget.LowImportance
	b.Hide()
	return container.NewStack(l, b)
}

func (h *HistoryDialog) updateHistoryCell(id widget.TableCellID, o fyne.CanvasObject) {
	st := o.(*fyne.Container)
	l, b := st.Objects[0].(*widget.Label), st.Objects[1].(*widget.Button)
	e := h.entries[id.Row]
	b.Hide()
	l.Show()
	var s string
	switch id.Col {
	case histColID:
		s = fmt.Sprintf("%d", e.ID)
	case histColWhen:
		s = data.FormatTime(e.At)
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
	h.undoConfirm = dialog.NewConfirm(fmt.Sprintf("Undo #%d", e.ID), fmt.Sprintf(
		"Take back %s of %s:\n%s?\n\nCards redeemed since stay redeemed. If any of these cards was changed since\nby a later edit or delete, nothing is changed and the cards are named.",
		e.Action, data.FormatTime(e.At), what), func(ok bool) {
		if ok {
			h.tasks.Go(func() { h.Undo(context.Background(), e.ID) })
		}
	}, h.win)
	h.undoConfirm.SetConfirmText("Undo")
	h.undoConfirm.Show()
}

// Undo takes back history entry op (disk work) and says what it did.
func (h *HistoryDialog) Undo(ctx context.Context, op int64) {
	res, err := h.store.Undo(ctx, op)
	if err != nil {
		fyne.Do(func() {
			dialog.ShowError(errors.New(personMessage(err)), h.win)
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
		h.entries, h.backups, h.runs, h.sel = es, bs, rs, -1
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
	h.OnRestored = func(string) { v.RefreshInBackground() }
	v.LastHistory = h
	h.Show()
}

// PrintRunText is one line of the print runs list.
func PrintRunText(r data.PrintRun) string {
	s := fmt.Sprintf("%s · %s cards as %s", data.FormatTime(r.At), groupInt(r.Cards), strings.ToUpper(r.Format))
	if r.Layout != "" {
		s += " " + r.Layout
	}
	if r.Reprints > 0 {
		s += fmt.Sprintf(" (%s reprints)", groupInt(r.Reprints))
	}
	return s + " · " + r.Filter + " · " + r.Path
}
