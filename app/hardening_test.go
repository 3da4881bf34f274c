package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"topupcards/data"
)

// Issue 9, row 3: SIGTERM and SIGHUP during an export clean up like Ctrl+C:
// no temporary file is left, the exit status says it was cancelled.
func TestSignalsCleanUpAnExport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	c := newCLI(t)
	c.ok("generate", "--amount", "1", "--quantity", "30000", "--series", "3")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "sheets.pdf")
			cmd, _, errb := cliProcess(t, "export", "--db", c.db, "--out", out)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// Wait until the export is writing its temporary file.
			if !waitFor(ctx, func() bool { m, _ := filepath.Glob(filepath.Join(dir, ".sheets.pdf.tmp-*")); return len(m) > 0 }) {
				t.Fatalf("the export wrote no temporary file (stderr %q)", errb)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != ExitRefused {
				t.Errorf("exit %d after %v, want %d (stderr %q)", code, sig, ExitRefused, errb)
			}
			if !strings.Contains(errb.String(), "cancelled") {
				t.Errorf("stderr %q does not say the export was cancelled", errb)
			}
			left, _ := os.ReadDir(dir)
			for _, e := range left {
				t.Errorf("left behind after %v: %s", sig, e.Name())
			}
		})
	}
}

// Issue 9, row 5: a command that only reads, or changes cards that must
// exist, refuses a missing database and creates nothing; generate and
// resellers add create it.
func TestMissingDatabaseIsNotCreated(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fresh", "sub", "typo.db")
	for _, args := range [][]string{
		{"list"}, {"history"}, {"export", "--out", filepath.Join(dir, "x.csv")}, {"backups"}, {"backups", "list"},
		{"resellers"}, {"resellers", "list"}, {"resellers", "remove", "X"}, {"settings"}, {"undo", "1", "--yes"},
		{"redeem", "--pin", "123456789012", "--client", "Ann"}, {"edit", "--all", "--block"}, {"delete", "--all"},
		{"delete", "--all", "--yes"},
	} {
		r := runArgs(t, append(append([]string{}, args...), "--db", db)...)
		checkFailure(t, r, ExitRefused, []string{"no card database at " + db}, strings.Join(args, " "))
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%s on a missing database created %s", strings.Join(args, " "), entries[0].Name())
		}
	}
	if r := runArgs(t, "resellers", "add", "Acme", "--db", db); r.code != ExitOK {
		t.Errorf("resellers add on a missing database: %+v", r)
	}
	db2 := filepath.Join(dir, "second.db")
	if r := runArgs(t, "generate", "--amount", "1", "--quantity", "1", "--series", "1", "--db", db2); r.code != ExitOK {
		t.Errorf("generate on a missing database: %+v", r)
	}
}

// Issue 9, row 4: the database and its -wal and -shm are private whenever
// the program opens them.
func TestDatabaseFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cards.db")
	// An existing empty file that anybody may write.
	if err := os.WriteFile(db, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(db, 0o666)
	if r := runArgs(t, "generate", "--amount", "1", "--quantity", "3", "--series", "1", "--db", db); r.code != ExitOK {
		t.Fatalf("generate: %+v", r)
	}
	// Files left by an older version or another program with mode 0644.
	s, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runArgs(t, "list", "--db", db)
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("list: %+v", r)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o after list, want 0600", filepath.Base(p), st.Mode().Perm())
		}
	}
}

// Issue 9, row 6: a FIFO or a device as the database is refused at once.
func TestDatabaseNotARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.db")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, db := range []string{fifo, "/dev/zero", "/dev/null"} {
		r := runProcess(t, "list", "--db", db)
		checkFailure(t, r, ExitRefused, []string{"not a regular file"}, "list --db "+db)
		r = runProcess(t, "generate", "--amount", "1", "--quantity", "1", "--series", "1", "--db", db)
		checkFailure(t, r, ExitRefused, []string{"not a regular file"}, "generate --db "+db)
	}
}

// Issue 9, row 9: control characters are refused in every name, stored
// ones are shown escaped, and what a refusal repeats is cut to 80
// characters and escaped.
func TestControlCharacters(t *testing.T) {
	c := newCLI(t)
	c.sample()
	before := c.state()
	for _, args := range [][]string{
		{"resellers", "add", "Bad\x1b[2JName"},
		{"resellers", "add", "Bell\a"},
		{"resellers", "rename", "Reseller 1", "Back\bspace"},
		{"resellers", "add", "Right\u202eto left"},
		{"redeem", "--pin", "123456789012", "--client", "Eve\x1b]0;pwned\a"},
		{"generate", "--amount", "1", "--quantity", "1", "--series", "1", "--reseller", "x\x07"},
		{"list", "--client", "a\x1bb"},
	} {
		r := c.run(args[0], args[1:]...)
		checkFailure(t, r, ExitUsage, []string{"control character"}, strings.Join(args, " "))
		if strings.ContainsAny(r.stderr, "\x1b\a\b\u202e") {
			t.Errorf("%q echoed a control character: %q", args, r.stderr)
		}
	}
	if c.state() != before {
		t.Fatal("a refused name changed the database")
	}
	// A name an older version let in is shown escaped.
	s, err := data.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec("UPDATE resellers SET name = 'Evil\x1b[2J' WHERE name = 'Reseller 1'"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, cmd := range [][]string{{"resellers", "list"}, {"list"}} {
		out := c.ok(cmd[0], cmd[1:]...)
		if strings.Contains(out, "\x1b") || !strings.Contains(out, `Evil\x1b[2J`) {
			t.Errorf("%s shows the stored name raw:\n%q", cmd, out)
		}
	}
	// Echoed arguments are cut.
	long := strings.Repeat("z", 300)
	r := c.run("list", "--amount-from", long)
	if r.code != ExitUsage || strings.Contains(r.stderr, strings.Repeat("z", 81)) || !strings.Contains(r.stderr, strings.Repeat("z", 80)+"…") {
		t.Errorf("a 300-character argument echoed as %q", r.stderr)
	}
	r = c.run("--"+long+"\x1b", "x")
	if strings.Contains(r.stderr, "\x1b") {
		t.Errorf("an unknown flag echoed raw: %q", r.stderr)
	}
}

// Issue 9, row 12: series are ASCII only; a wrong PIN is called a typo only
// when every batch that could hold it has a check digit.
func TestSeriesASCIIAndTypo(t *testing.T) {
	c := newCLI(t)
	c.ok("generate", "--amount", "1", "--quantity", "2", "--series", "A", "--check-digit")
	before := c.state()
	for _, series := range []string{"ı", "ſ", "Ａ", "ﬀ"} {
		c.fails(ExitUsage, []string{"only letters A-Z and digits"}, "generate", "--amount", "1", "--quantity", "1", "--series", series)
	}
	if c.state() != before {
		t.Fatal("a refused series changed the database")
	}
	pin := c.list()[0]["pin"]
	wrong := []byte(pin)
	wrong[3] = '0' + (wrong[3]-'0'+1)%10 // one digit off: the check digit no longer matches
	c.fails(ExitRefused, []string{"mistyped"}, "redeem", "--pin", string(wrong), "--client", "Ann")
	// A batch of the same PIN length without a check digit could hold it.
	c.ok("generate", "--amount", "1", "--quantity", "1", "--series", "B")
	c.fails(ExitRefused, []string{"no card has this PIN"}, "redeem", "--pin", string(wrong), "--client", "Ann")
}

// Issue 9, row 7, through the command line: a database cut short inside
// its last page is refused by every command, exit 1, byte-identical.
func TestDamagedDatabaseRefusedByEveryCommand(t *testing.T) {
	c := newCLI(t)
	pins := c.sample()
	st, err := os.Stat(c.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(c.db, st.Size()-100); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(c.db)
	for _, args := range [][]string{
		{"list"}, {"history"}, {"generate", "--amount", "1", "--quantity", "1", "--series", "9"},
		{"redeem", "--pin", pins["3-000000005"], "--client", "Ann"}, {"resellers", "add", "New"},
		{"edit", "--all", "--block"}, {"delete", "--all", "--yes"}, {"export", "--out", filepath.Join(t.TempDir(), "x.csv")},
	} {
		r := c.run(args[0], args[1:]...)
		checkFailure(t, r, ExitRefused, []string{"is damaged", "restore the newest backup"}, strings.Join(args, " "))
		if after, _ := os.ReadFile(c.db); string(after) != string(before) {
			t.Fatalf("%s changed the damaged file", strings.Join(args, " "))
		}
	}
}
