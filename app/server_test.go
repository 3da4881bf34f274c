package app

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
	"topupcards/views"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The command line over a PostgreSQL server, as a small chain of shops
// would set it up: move the shop's file to an empty database, set up the
// roles, add a cashier, who redeems and lists (PINs masked) and is refused
// an edit and an export by the server; backups point to pg_dump.
func TestServerCommandLine(t *testing.T) {
	admin := pgtest.NewDatabase(t)
	file := newCLI(t)
	file.ok("resellers", "add", "Corner Shop")
	file.ok("generate", "--amount", "8.00", "--quantity", "20", "--series", "3", "--reseller", "Corner Shop")
	rows := file.list()
	file.ok("redeem", "--pin", rows[0]["pin"], "--client", "Ann")

	out := runArgs(t, "migrate", "--from", file.db, "--to", admin)
	if out.code != ExitOK || !strings.Contains(out.stdout, "Moved 20 cards") || !strings.Contains(out.stdout, "USD: 20 cards, face value 160.00 USD, unredeemed 152.00 USD") {
		t.Fatalf("migrate: exit %d\n%s%s", out.code, out.stdout, out.stderr)
	}
	again := runArgs(t, "migrate", "--from", file.db, "--to", admin)
	checkFailure(t, again, ExitRefused, []string{"already holds cards"}, "second migrate")

	for range 2 {
		if r := runArgs(t, "setup-postgres", admin); r.code != ExitOK || !strings.Contains(r.stdout, "topupcards_cashier") {
			t.Fatalf("setup-postgres: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	}
	r := runArgs(t, "users", "add", "ana", "--role", "cashier", "--db", admin)
	m := regexp.MustCompile(`topupcards --db '([^']+)'`).FindStringSubmatch(r.stdout)
	if r.code != ExitOK || m == nil {
		t.Fatalf("users add: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cashier := &cli{t: t, db: m[1]}
	listed := cashier.list()
	if len(listed) != 20 {
		t.Fatalf("the cashier lists %d cards, want 20", len(listed))
	}
	for _, row := range listed {
		if row["status"] == "new" && !strings.HasPrefix(row["pin"], "********") {
			t.Errorf("the cashier sees the PIN %q of a new card", row["pin"])
		}
	}
	cashier.ok("redeem", "--pin", rows[1]["pin"], "--client", "Bob")
	cashier.fails(ExitRefused, []string{"refused", "ask a manager"}, "edit", "--serial-from", "3", "--block")
	out2 := t.TempDir() + "/cards.csv"
	cashier.fails(ExitRefused, []string{"cashier", "manager"}, "export", "--out", out2)
	if _, err := os.Stat(out2); err == nil {
		t.Errorf("a refused export left %s", out2)
	}
	if b := cashier.ok("backups"); !strings.Contains(b, "pg_dump") || !strings.Contains(b, "--username=ana") {
		t.Errorf("backups over a server: %q, want the pg_dump command", b)
	}
	manager := &cli{t: t, db: admin}
	if got := manager.list("--status", "activated"); len(got) != 2 {
		t.Errorf("%d redeemed cards, want 2", len(got))
	}
	h := manager.ok("history", "--format", "csv")
	if !strings.Contains(h, "redeemed 8.00 USD") {
		t.Errorf("history: %s", h)
	}
}

// A cashier's window offers searching and redeeming only: no Generate,
// Mass Edit or Export in the menu or the tool bar, no Show PIN. A
// manager's window offers everything.
func TestCashierWindow(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.NewDatabase(t)
	if err := postgres.Setup(ctx, admin); err != nil {
		t.Fatal(err)
	}
	_, cashierURL, err := postgres.AddUser(ctx, admin, "cleo", data.RoleCashier)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		url  string
		want []string
	}{
		{cashierURL, []string{"Redeem…", "", "Find…"}},
		{admin, []string{"Generate Top-Up Cards…", "Mass Edit…", "Redeem…", "", "Find…", "Export…", "Print…", "Card Designer…"}},
	} {
		s, err := postgres.Open(ctx, c.url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		a := test.NewTempApp(t)
		m := newMainWindow(a, s, &views.Tasks{Synchronous: true})
		m.Tasks.Wait()
		var got []string
		for _, it := range m.MainMenu().Items[1].Items {
			got = append(got, it.Label)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: Cards menu %q, want %q", s.Role(), got, c.want)
		}
		if m.View.ShowPIN.Hidden != (s.Role() == data.RoleCashier) {
			t.Errorf("%s: Show PIN hidden = %v", s.Role(), m.View.ShowPIN.Hidden)
		}
		// No cards yet: only a manager is offered to generate them.
		if m.View.EmptyBtn.Hidden != (s.Role() == data.RoleCashier) || m.View.Empty.Hidden {
			t.Errorf("%s: empty database offers %q (hidden %v)", s.Role(), m.View.EmptyBtn.Text, m.View.EmptyBtn.Hidden)
		}
		m.Close()
	}
}

// File → Connect to a server…: a wrong address is said in the dialog,
// which keeps what was typed; the right one moves the work to a window
// over the server's cards and is remembered without its password.
func TestConnectToServer(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 7, Series: "3"}, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	m, _ := newWindow(t, map[string]int{"1": 3})
	if got := m.MainMenu().Items[0].Items[0].Label; got != "Connect to a server…" {
		t.Fatalf("File menu starts with %q", got)
	}
	m.showConnect()
	d := m.connect
	test.Type(d.URL, "postgres://nobody@127.0.0.1:1/none")
	test.Type(d.Password, "secret")
	test.Tap(d.Connect)
	m.Tasks.Wait()
	if !strings.Contains(d.Message.Text, "cannot be reached") || m.moved != nil {
		t.Fatalf("a server that is not there: message %q, moved %v", d.Message.Text, m.moved != nil)
	}
	if d.Password.Text != "secret" {
		t.Error("the dialog lost the password typed")
	}
	d.URL.SetText(url)
	test.Tap(d.Connect)
	m.Tasks.Wait()
	next := m.moved
	if next == nil {
		t.Fatalf("not connected: %q", d.Message.Text)
	}
	t.Cleanup(next.Close)
	next.Tasks.Wait()
	if !strings.Contains(next.Title(), "@127.0.0.1:") || strings.Contains(next.Title(), "secret") || next.View.Table.Rows() != 7 {
		t.Errorf("the new window: title %q, %d rows; want the server (no password shown) and its 7 cards", next.Title(), next.View.Table.Rows())
	}
	remembered := fyne.CurrentApp().Preferences().String(prefServerURL)
	if !strings.HasPrefix(remembered, "postgres://postgres@127.0.0.1:") || strings.Contains(remembered, "secret") {
		t.Errorf("remembered %q, want the URL without a password", remembered)
	}
	next.showConnect()
	if next.connect.URL.Text != remembered || next.connect.Password.Text != "" {
		t.Errorf("the dialog offers %q and password %q, want the remembered URL and no password", next.connect.URL.Text, next.connect.Password.Text)
	}

	// The next start over the local file offers the server again, the
	// cursor in the password; after a move to a file it does not.
	if got := fyne.CurrentApp().Preferences().String(prefLastPlace); got != "server" {
		t.Errorf("after connecting the desk remembers %q as where it worked, want server", got)
	}
	local, _ := newWindow(t, map[string]int{"1": 2}) // a new app: set its preferences as the last run left them
	fyne.CurrentApp().Preferences().SetString(prefServerURL, remembered)
	fyne.CurrentApp().Preferences().SetString(prefLastPlace, "server")
	if !local.offerLastServer() || local.connect == nil {
		t.Fatal("a desk that moved to a server last time: the server is not offered at start")
	}
	if local.connect.URL.Text != remembered || !strings.Contains(local.connect.Message.Text, local.store.Path()) ||
		local.Canvas().Focused() != local.connect.Password {
		t.Errorf("offered %q, message %q, focus %v; want the remembered URL, the file named, the cursor in the password",
			local.connect.URL.Text, local.connect.Message.Text, local.Canvas().Focused())
	}
	again, _ := newWindow(t, map[string]int{"1": 2})
	fyne.CurrentApp().Preferences().SetString(prefServerURL, remembered)
	fyne.CurrentApp().Preferences().SetString(prefLastPlace, "file")
	if again.offerLastServer() || again.connect != nil {
		t.Error("a desk that moved to a file last time is offered the server at start")
	}
}
