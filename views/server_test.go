package views

import (
	"context"
	"strings"
	"testing"
	"time"

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
	hd := v.lastHistory
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

// A redemption at one desk reaches the other desk's window within a
// second: its store's change feed fires and the rows on screen show the
// card redeemed.
func TestServerChangeReachesOtherWindow(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	here, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	there, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer there.Close()
	if _, err := there.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 5, Series: "3"}, nil); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	tasks := &Tasks{Synchronous: true}
	w := test.NewTempWindow(t, nil)
	v := NewMainView(here, w, tasks)
	w.SetContent(v)
	w.Resize(fyne.NewSize(1280, 800))
	v.LoadInBackground()
	tasks.Wait()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes := here.Changes(wctx)
	for range 500 { // the feed is connected
		if _, err := here.DataVersion(ctx); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for drained := false; !drained; { // the feed's word that it connected
		select {
		case <-changes:
		case <-time.After(100 * time.Millisecond):
			drained = true
		}
	}
	v.checkChanged(ctx, here) // the version now
	cards, _, _ := there.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, 1)
	start := time.Now()
	if _, err := there.Redeem(ctx, cards[0].PIN, "Walk-in"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(time.Second):
		t.Fatal("the other desk's change feed stayed silent for 1 s")
	}
	v.checkChanged(ctx, here)
	tasks.Wait()
	v.Table.RowsText(0, 1) // loads the page again
	tasks.Wait()
	took := time.Since(start)
	row := v.Table.RowsText(0, 1)[0]
	if row[colStatus] != "activated" || !strings.HasPrefix(row[colActivated], "Walk-in") {
		n, err := here.DataVersion(ctx)
		t.Fatalf("the window shows %v after the other desk redeemed (footer %q, version %d %v, last %d)", row, v.Footer.Text, n, err, v.watch.last)
	}
	if took > time.Second {
		t.Errorf("the window showed the redemption after %v, want within 1 s", took)
	}
	t.Logf("the other desk's window showed the redemption after %v", took.Round(time.Millisecond))
}
