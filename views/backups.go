package views

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// The Backups tab of History & Backups: the verified backups, newest first,
// Back up now, and Restore, which first checks the backup and says what the
// restore would lose.

// makeBackups builds the Backups tab.
func (h *HistoryDialog) makeBackups() fyne.CanvasObject {
	h.Backups = h.keys.list(func() int { return len(h.backups) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(backupText(h.backups[len(h.backups)-1-i], h.formats.Locale())) // newest first
		})
	h.Backups.OnSelected = func(i widget.ListItemID) {
		h.sel = len(h.backups) - 1 - i
		h.Restore.Enable()
	}
	h.BackUp = h.keys.button("Back up now", theme.DocumentSaveIcon(), h.onBackUp)
	h.Restore = h.keys.button("Restore selected backup…", theme.HistoryIcon(), h.onRestore)
	h.Restore.Disable()
	h.Message = widget.NewLabel("")
	h.Message.Wrapping = fyne.TextWrapWord
	about := widget.NewLabel(fmt.Sprintf("Backups of this database are made before the first change of each day, before an upgrade, "+
		"before a restore and with Back up now; each is checked before it is listed. The newest %d days and %d weeks are kept. "+
		"A restore never makes a redeemed card redeemable again.", data.KeepDaily, data.KeepWeekly))
	about.Wrapping = fyne.TextWrapWord
	return container.NewBorder(about, container.NewVBox(h.Message, container.NewHBox(h.BackUp, h.Restore)), nil, nil, h.Backups)
}

// backupText is one line of the backups list.
func backupText(b data.Backup, l data.Locale) string {
	return fmt.Sprintf("%s · %s · %s cards · %s · %s", l.Timestamp(b.Created), BackupReasonText(b.Reason), groupInt(b.Cards),
		humanSize(b.Size), filepath.Base(b.Path))
}

// BackupReasonText says in words why a backup was made.
func BackupReasonText(reason string) string {
	switch reason {
	case data.BackupDaily:
		return "Daily backup, before the day's first change"
	case data.BackupManual:
		return "Made with Back up now"
	case data.BackupBeforeRestore:
		return "The cards as they were before a restore"
	case data.BackupBeforeUpgrade:
		return "The file as it was before an upgrade of the program"
	case "edit":
		return "Before a mass edit (older program version)"
	case "delete":
		return "Before a delete (older program version)"
	case "file":
		return "A backup file chosen by hand"
	case "":
		return "Backup"
	}
	r := strings.ReplaceAll(reason, "-", " ")
	return "Backup (" + r + ")"
}

func (h *HistoryDialog) say(msg string, imp widget.Importance) {
	h.Message.SetText(msg)
	h.Message.Importance = imp
	h.Message.Refresh()
}

func (h *HistoryDialog) onBackUp() {
	h.BackUp.Disable()
	h.say("Backing up and checking the copy…", widget.MediumImportance)
	h.tasks.Go(func() { h.BackUpNow(context.Background()) })
}

// BackUpNow makes a backup and lists it (disk work).
func (h *HistoryDialog) BackUpNow(ctx context.Context) {
	b, err := h.store.CreateBackup(ctx, data.BackupManual)
	if err == nil {
		h.Load(ctx)
	}
	fyne.Do(func() {
		h.BackUp.Enable()
		if err != nil {
			h.say(personMessage(err), widget.DangerImportance)
			return
		}
		h.say(fmt.Sprintf("Backed up %s cards to %s.", groupInt(b.Cards), b.Path), widget.SuccessImportance)
	})
}

func (h *HistoryDialog) onRestore() {
	if h.sel < 0 || h.sel >= len(h.backups) {
		return
	}
	path := h.backups[h.sel].Path
	h.Restore.Disable()
	h.say("Checking the backup…", widget.MediumImportance)
	h.tasks.Go(func() { h.PlanRestore(context.Background(), path) })
}

// PlanRestore checks the backup at path and asks, with what the restore
// would lose, whether to restore it (disk work, then the question on the
// UI goroutine).
func (h *HistoryDialog) PlanRestore(ctx context.Context, path string) {
	plan, err := h.store.RestorePlan(ctx, path)
	fyne.Do(func() {
		h.Restore.Enable()
		if err != nil {
			h.say(personMessage(err), widget.DangerImportance)
			return
		}
		h.say("", widget.MediumImportance)
		var ask *keyedDialog
		ask, h.confirm = newConfirm("Restore backup", restorePlanText(plan, h.formats.Locale()), "Restore", func(ok bool) {
			h.confirm = nil
			if ok {
				h.say("Restoring…", widget.MediumImportance)
				h.tasks.Go(func() { h.RestoreBackup(context.Background(), path) })
			}
		}, h.win)
		ask.Show()
	})
}

// restorePlanText says, by count, what restoring would replace and keep.
func restorePlanText(p data.RestorePlan, l data.Locale) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Restore the backup of %s (%s cards)?\nIt replaces the %s cards now:\n",
		l.Timestamp(p.Backup.Created), groupInt(p.Backup.Cards), groupInt(p.Current))
	fmt.Fprintf(&b, "• %s cards made since the backup are removed\n", groupInt(p.Added))
	fmt.Fprintf(&b, "• %s cards edited since are set back", groupInt(p.Changed))
	if p.Unblocked > 0 {
		fmt.Fprintf(&b, ", and %s blocked since become unblocked", groupInt(p.Unblocked))
	}
	fmt.Fprintf(&b, "\n• %s cards deleted since come back\n", groupInt(p.Deleted))
	fmt.Fprintf(&b, "• %s changes in the history since the backup are undone\n", groupInt(p.Edits))
	fmt.Fprintf(&b, "Kept: %s print runs and %s redemptions since the backup (a redeemed card stays redeemed).\n",
		groupInt(p.PrintRuns), groupInt(p.Redemptions))
	b.WriteString("The current state is backed up first, so the restore can be undone by restoring that backup.")
	return b.String()
}

// RestoreBackup restores the backup at path (disk work).
func (h *HistoryDialog) RestoreBackup(ctx context.Context, path string) {
	res, err := h.store.Restore(ctx, path)
	if err != nil {
		fyne.Do(func() { h.say(personMessage(err), widget.DangerImportance) })
		return
	}
	h.Load(ctx)
	msg := fmt.Sprintf("Restored %s: %s cards. The state before the restore was backed up as %s.",
		filepath.Base(path), groupInt(res.Cards), res.Before.Path)
	fyne.Do(func() {
		h.say(msg, widget.SuccessImportance)
		if h.OnRestored != nil {
			h.OnRestored(msg)
		}
	})
}
