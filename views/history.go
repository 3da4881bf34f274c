package views

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
	dlg       *dialog.CustomDialog
	// confirm is the restore's confirmation while it is shown.
	confirm *dialog.ConfirmDialog

	entries []data.HistoryEntry
	backups []data.Backup
	runs    []data.PrintRun
	sel     int

	// OnRestored is told after a restore.
	OnRestored func(msg string)
}

// NewHistoryDialog builds the dialog.
func NewHistoryDialog(store Store, tasks *Tasks, win fyne.Window) *HistoryDialog {
	h := &HistoryDialog{store: store, tasks: tasks, win: win, sel: -1}
	h.History = widget.NewTable(func() (int, int) { return len(h.entries), 4 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			e := h.entries[id.Row]
			var s string
			switch id.Col {
			case 0:
				s = data.FormatTime(e.At)
			case 1:
				s = e.Action
			case 2:
				s = groupInt(e.Cards)
			case 3:
				s = e.Detail
				if e.Filter != "" {
					s += " [" + e.Filter + "]"
				}
			}
			o.(*widget.Label).SetText(s)
		})
	h.History.ShowHeaderRow = true
	h.History.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	h.History.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		titles := []string{"When", "Action", "Cards", "What"}
		if id.Col >= 0 && id.Col < len(titles) {
			o.(*widget.Label).SetText(titles[id.Col])
		}
	}
	for i, w := range []float32{210, 120, 70, 640} {
		h.History.SetColumnWidth(i, w)
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
	tabs := container.NewAppTabs(container.NewTabItem("History", h.History), container.NewTabItem("Print runs", runs),
		container.NewTabItem("Backups", backups))
	closeBtn := widget.NewButton("Close", func() { h.dlg.Hide() })
	h.dlg = dialog.NewCustomWithoutButtons("History & Backups", container.NewBorder(nil, container.NewHBox(layoutSpacer(), closeBtn), nil, nil, tabs), win)
	h.dlg.Resize(fyne.NewSize(1100, 620))
	return h
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
	if err == nil {
		bs, err = h.store.Backups(ctx)
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
	})
}

// ShowHistory opens History & Backups.
func (v *MainView) ShowHistory() {
	h := NewHistoryDialog(v.store, v.tasks, v.win)
	h.OnRestored = func(string) { v.tasks.Go(func() { v.Reload(context.Background()) }) }
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
