package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
)

// History & Backups over a PostgreSQL server: the history shows; the
// Backups tab says backups are the server's job, with the pg_dump command,
// and offers no Back up now.
func TestServerBackupsTab(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 5, Series: "3"}, nil); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	tasks := &Tasks{Synchronous: true}
	w := test.NewTempWindow(t, nil)
	v := NewMainView(s, w, tasks)
	w.SetContent(v)
	w.Resize(fyne.NewSize(1280, 800))
	v.LoadInBackground()
	tasks.Wait()
	v.ShowHistory()
	tasks.Wait()
	hd := v.LastHistory
	if len(hd.entries) != 1 || hd.entries[0].Action != "generate" {
		t.Errorf("history entries %+v, want the generation", hd.entries)
	}
	if msg := hd.Message.Text; !strings.Contains(msg, "server's job") || !strings.Contains(msg, "pg_dump --format=custom") {
		t.Errorf("backups message %q, want the server's job and the pg_dump command", msg)
	}
	if !hd.BackUp.Disabled() || !hd.Restore.Disabled() {
		t.Error("Back up now or Restore is offered for a server's database")
	}
}
