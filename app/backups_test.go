package app

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// backupLines runs `backups list` and returns its lines.
func (c *cli) backupLines() []string {
	c.t.Helper()
	out := strings.TrimSuffix(c.ok("backups", "list"), "\n")
	if strings.HasPrefix(out, "No backups yet") {
		return nil
	}
	return strings.Split(out, "\n")
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestBackupsCreateListRestore: create says where and how many; list shows
// one verified backup a line, oldest first (path, time, cards, size);
// restore without --yes says what would be lost and changes nothing; with
// --yes it restores, keeps the redemption made since and can be undone.
func TestBackupsCreateListRestore(t *testing.T) {
	c := newCLI(t)
	c.create()
	if out := c.ok("backups"); !strings.HasPrefix(out, "No backups yet") || !strings.Contains(out, "backups create") {
		t.Errorf("backups of a new database: %q", out)
	}
	c.sample()
	out := c.ok("backups", "create")
	m := regexp.MustCompile(`^Backed up 12 cards to (\S+) \(\d+ bytes, checked\)\.\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backups create said %q", out)
	}
	backup := m[1]
	lines := c.backupLines()
	line := regexp.MustCompile(`^(\S+)\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000\t(\d+) cards\t(\d+) bytes$`)
	for _, l := range lines {
		f := line.FindStringSubmatch(l)
		if f == nil || filepath.Dir(f[1]) != filepath.Join(filepath.Dir(c.db), "backups") {
			t.Errorf("backups list line %q", l)
		}
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], backup+"\t") {
		t.Fatalf("backups list does not end with the one made:\n%s", strings.Join(lines, "\n"))
	}

	// After the backup: redeem a card, delete a batch.
	pin := bySerial(t, c.list(), "3-000000005")["pin"]
	c.ok("redeem", "--pin", pin, "--client", "Late Client")
	c.ok("delete", "--batch", "2", "--yes")
	before := c.state()
	c.fails(ExitUsage, []string{"--yes", "4 deleted since come back", "1 redemptions"}, "backups", "restore", backup)
	if c.state() != before {
		t.Fatal("backups restore without --yes changed the database")
	}

	out = c.ok("backups", "restore", backup, "--yes")
	if !strings.HasPrefix(out, "Restored "+backup+": 12 cards as of ") || !strings.Contains(out, "1 redemptions since were kept") {
		t.Errorf("restore said %q", out)
	}
	rows := c.list()
	if len(rows) != 12 || bySerial(t, rows, "3-000000005")["activated_by"] != "Late Client" {
		t.Errorf("after restore: %v", rows)
	}
	c.fails(ExitRefused, []string{"already activated"}, "redeem", "--pin", pin, "--client", "Someone Else")
	if h := c.ok("history", "--limit", "2"); !strings.Contains(h, "restore") {
		t.Errorf("history:\n%s", h)
	}
	// The restore can be undone with the backup it made first.
	undo := strings.TrimSpace(out[strings.LastIndex(out, " in ")+4:])
	if !strings.Contains(undo, ".before-restore.") {
		t.Fatalf("restore said %q", out)
	}
	c.ok("backups", "restore", undo, "--yes")
	if n := len(c.list()); n != 8 {
		t.Errorf("after undoing the restore: %d cards, want 8", n)
	}
	c.fails(ExitRefused, []string{"no such backup"}, "backups", "restore", filepath.Join(t.TempDir(), "nothing.db"), "--yes")
	c.fails(ExitUsage, []string{"no backup", "--yes"}, "backups", "restore", filepath.Join(t.TempDir(), "nothing.db"))
}

// TestBackupsRestoreRefusesDamagedAndForeign: a backup missing its last
// byte, one with a byte changed, and another database's backup are refused
// (exit 1) and the database file stays byte for byte as it was.
func TestBackupsRestoreRefusesDamagedAndForeign(t *testing.T) {
	c := newCLI(t)
	c.sample()
	cut := c.backupPath(c.ok("backups", "create"))
	b, err := os.ReadFile(cut)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cut, b[:len(b)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("edit", "--batch", "1", "--block")
	flipped := c.backupPath(c.ok("backups", "create"))
	b, err = os.ReadFile(flipped)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(flipped, b, 0o600); err != nil {
		t.Fatal(err)
	}
	other := newCLI(t)
	other.sample()
	foreign := other.backupPath(other.ok("backups", "create"))

	for _, f := range []struct{ path, says string }{{cut, "damaged"}, {flipped, "damaged"}, {foreign, "another database"}} {
		sum := fileHash(t, c.db)
		backups := c.backupLines()
		c.fails(ExitRefused, []string{f.says}, "backups", "restore", f.path, "--yes")
		c.fails(ExitRefused, []string{f.says}, "backups", "restore", f.path)
		if fileHash(t, c.db) != sum {
			t.Errorf("refused restore of %s changed the database file", filepath.Base(f.path))
		}
		if after := c.backupLines(); strings.Join(after, "\n") != strings.Join(backups, "\n") {
			t.Errorf("refused restore of %s changed the backups:\n%s", filepath.Base(f.path), strings.Join(after, "\n"))
		}
	}
	entries, _ := os.ReadDir(filepath.Join(filepath.Dir(c.db), "backups"))
	for _, e := range entries {
		if bytes.HasPrefix([]byte(e.Name()), []byte(".")) {
			t.Errorf("leftover in backups: %s", e.Name())
		}
	}
}

// backupPath reads the path out of what `backups create` said.
func (c *cli) backupPath(out string) string {
	c.t.Helper()
	m := regexp.MustCompile(` to (\S+) \(`).FindStringSubmatch(out)
	if m == nil {
		c.t.Fatalf("backups create said %q", out)
	}
	return m[1]
}
