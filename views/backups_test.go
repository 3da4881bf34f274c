package views

import (
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// TestBackUpNowAndRestore: Back up now lists a new backup; Restore checks
// it, asks with what would be lost, and restores it keeping the redemption
// made since.
func TestBackUpNowAndRestore(t *testing.T) {
	s := fixture(t)
	ctx := context.Background()
	h := newHarness(t, s)
	h.view.ShowHistory()
	h.tasks.Wait()
	hd := h.view.lastHistory
	before := len(hd.backups)
	test.Tap(hd.BackUp)
	h.tasks.Wait()
	if len(hd.backups) != before+1 || !strings.HasPrefix(hd.Message.Text, "Backed up 60 cards to ") {
		t.Fatalf("after Back up now: %d backups (had %d), message %q", len(hd.backups), before, hd.Message.Text)
	}
	newest := hd.backups[len(hd.backups)-1]
	if got := backupText(newest, data.Plain); !strings.Contains(got, "60 cards") || !strings.Contains(got, "manual") {
		t.Errorf("backup line %q", got)
	}
	// A redemption and a new batch after the backup.
	card := mustPage(t, s, data.Filter{Batch: 1})[0]
	if _, err := s.Redeem(ctx, card.PIN, "Late Client"); err != nil {
		t.Fatal(err)
	}
	mustGen(t, s, data.GenerateParams{Amount: 500, Quantity: 4, Series: "9"})

	hd.Backups.Select(0) // newest first
	if hd.Restore.Disabled() {
		t.Fatal("Restore is disabled with a backup selected")
	}
	test.Tap(hd.Restore)
	h.tasks.Wait()
	if hd.confirm == nil {
		t.Fatalf("no confirmation; message %q", hd.Message.Text)
	}
	plan, err := s.RestorePlan(ctx, newest.Path)
	if err != nil {
		t.Fatal(err)
	}
	text := restorePlanText(plan, data.Plain)
	for _, want := range []string{"64 cards now", "4 cards made since the backup are removed", "1 redemptions"} {
		if !strings.Contains(text, want) {
			t.Errorf("confirmation %q lacks %q", text, want)
		}
	}
	hd.confirm.Confirm()
	h.tasks.Wait()
	if n, _ := s.Count(ctx, data.Filter{}); n != 60 {
		t.Errorf("%d cards after the restore, want 60", n)
	}
	got, err := s.Card(ctx, card.ID)
	if err != nil || got.ActivatedBy != "Late Client" {
		t.Errorf("redeemed card after the restore: %+v, %v", got, err)
	}
	if !strings.HasPrefix(hd.Message.Text, "Restored ") || h.view.Table.Rows() != 60 {
		t.Errorf("after the restore: message %q, %d rows", hd.Message.Text, h.view.Table.Rows())
	}
}

// TestRestoreOfDamagedBackupSaysSo: a damaged backup is refused with the
// reason, and nothing is asked.
func TestRestoreOfDamagedBackupSaysSo(t *testing.T) {
	s := fixture(t)
	ctx := context.Background()
	b, err := s.CreateBackup(ctx, data.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, s)
	h.view.ShowHistory()
	h.tasks.Wait()
	hd := h.view.lastHistory
	cutShort(t, b.Path)
	hd.PlanRestore(ctx, b.Path)
	h.tasks.Wait()
	if hd.confirm != nil || !strings.Contains(hd.Message.Text, "damaged") {
		t.Errorf("damaged backup: confirmation %v, message %q", hd.confirm != nil, hd.Message.Text)
	}
}

func mustPage(t *testing.T, s *sqlite.Store, f data.Filter) []data.Card {
	t.Helper()
	cards, _, err := s.Page(context.Background(), f, data.Sort{}, data.Cursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return cards
}

// cutShort removes the last byte of a file.
func cutShort(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)-1], 0o600); err != nil {
		t.Fatal(err)
	}
}
