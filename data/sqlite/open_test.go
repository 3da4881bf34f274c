package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
)

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func fileSum(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return s[:]
}

// makeForeignDB writes a SQLite database of another program: a table of its
// own and no application id, in the given journal mode ("" for the
// default, rollback journal).
func makeForeignDB(t *testing.T, path, journalMode string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmts := []string{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
		"INSERT INTO notes (body) VALUES ('milk'), ('eggs')"}
	if journalMode != "" {
		stmts = append([]string{"PRAGMA journal_mode = " + journalMode}, stmts...)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestOpenRefusesOtherFilesAndLeavesThemUnchanged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := filepath.Join(dir, "newer.db")
	func() {
		s, _ := openStoreAt(t, newer)
		mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 3, Series: "N"})
		s.Close()
		db, err := sql.Open("sqlite", newer)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlite.SchemaVersion()+1)); err != nil {
			t.Fatal(err)
		}
	}()
	foreignRollback := filepath.Join(dir, "other.sqlite")
	makeForeignDB(t, foreignRollback, "")
	foreignWAL := filepath.Join(dir, "other-wal.sqlite")
	makeForeignDB(t, foreignWAL, "WAL")
	foreignAppID := filepath.Join(dir, "other-app.sqlite")
	makeForeignDB(t, foreignAppID, "")
	func() {
		db, err := sql.Open("sqlite", foreignAppID)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("PRAGMA application_id = 1234"); err != nil {
			t.Fatal(err)
		}
	}()
	magic := append([]byte("SQLite format 3\x00"), randomBytes(4080, 2)...)
	cases := []struct {
		name, path string
		want       error
	}{
		{"random bytes", write("random.db", randomBytes(8192, 1)), data.ErrNotDatabase},
		{"text file", write("notes.txt", []byte("Top-up cards to print:\n3-000000001 4524 2829 3854\n")), data.ErrNotDatabase},
		{"short file", write("short.db", []byte("SQLite format")), data.ErrNotDatabase},
		{"SQLite magic, then garbage", write("magic.db", magic), data.ErrNotDatabase},
		{"SQLite file of another program", foreignRollback, data.ErrNotDatabase},
		{"SQLite file of another program in WAL mode", foreignWAL, data.ErrNotDatabase},
		{"SQLite file with another application id", foreignAppID, data.ErrNotDatabase},
		{"Top-up Cards file of a newer schema", newer, data.ErrNewerSchema},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			sum := fileSum(t, c.path)
			s, err := sqlite.Open(context.Background(), c.path)
			if err == nil {
				s.Close()
			}
			wantErr(t, err, c.want, "open "+c.name)
			if !slices.Equal(sum, fileSum(t, c.path)) {
				t.Errorf("open changed the file")
			}
			after, err := os.Stat(c.path)
			if err != nil || after.Mode() != info.Mode() || !after.ModTime().Equal(info.ModTime()) {
				t.Errorf("open touched the file: %v -> %v (%v)", info, after, err)
			}
			for _, suffix := range []string{"-wal", "-shm", "-journal"} {
				if fileExists(c.path + suffix) {
					t.Errorf("open left %s behind", filepath.Base(c.path+suffix))
				}
			}
		})
	}
	// A folder is refused too.
	_, err := sqlite.Open(context.Background(), dir)
	wantErr(t, err, data.ErrNotDatabase, "open a folder")
}

func TestOpenNewFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "deep", "er", "cards.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("new database mode %v, want 0600", info.Mode().Perm())
	}
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 1, Series: "W"})
	for _, suffix := range []string{"-wal", "-shm"} {
		if info, err := os.Stat(path + suffix); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", suffix, info, err)
		}
	}
	if s.Path() != path {
		t.Errorf("path %q, want %q", s.Path(), path)
	}
	var version, appID int64
	if err := s.DB().QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != int64(sqlite.SchemaVersion()) {
		t.Errorf("user_version %d (%v), want %d", version, err, sqlite.SchemaVersion())
	}
	if err := s.DB().QueryRow("PRAGMA application_id").Scan(&appID); err != nil || appID != sqlite.ApplicationID {
		t.Errorf("application_id %#x (%v), want %#x", appID, err, sqlite.ApplicationID)
	}
	// Every pooled connection has the pragmas, not just the first.
	conns := make([]*sql.Conn, 4)
	for i := range conns {
		if conns[i], err = s.DB().Conn(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	for i, c := range conns {
		var fk, timeout int
		var mode string
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Errorf("connection %d: foreign_keys %d, %v", i, fk, err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("connection %d: journal_mode %q, %v", i, mode, err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil || timeout < 1000 {
			t.Errorf("connection %d: busy_timeout %d, %v", i, timeout, err)
		}
	}
}

func TestOpenEmptyFileMakesADatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 2, Series: "E"})
	if n, err := s.Count(context.Background(), data.Filter{}); err != nil || n != 2 {
		t.Errorf("count %d, %v", n, err)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustAddReseller(t, s, "Acme Corp")
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 5, Series: "K", Reseller: "Acme Corp", CheckDigit: true})
	before := stateOf(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, _ := openStoreAt(t, path)
	after := stateOf(t, s2)
	// Opening it again to read makes no backup (the first change of a day
	// does).
	if len(after.Snapshots) != 0 {
		t.Errorf("backups after reopening to read: %v, want none", after.Snapshots)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("reopened store differs:\n%+v\n%+v", before, after)
	}
}

func TestOpenNoPath(t *testing.T) {
	t.Parallel()
	_, err := sqlite.Open(context.Background(), "")
	wantErr(t, err, data.ErrInvalid, "open with no path")
}

func TestDefaultPathFromEnvironment(t *testing.T) {
	p := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("TOPUPCARDS_DB", p)
	got, err := sqlite.DefaultPath()
	if err != nil || got != p {
		t.Errorf("DefaultPath with TOPUPCARDS_DB: %q, %v", got, err)
	}
	t.Setenv("TOPUPCARDS_DB", "")
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	got, err = sqlite.DefaultPath()
	if err != nil || got != filepath.Join("/srv/data", "topupcards", "cards.db") {
		t.Errorf("DefaultPath with XDG_DATA_HOME: %q, %v", got, err)
	}
}

// TestOpenTakesOverAnEmptySQLiteFile: a first open that was interrupted
// after SQLite wrote the file's header but before the schema was committed
// leaves a SQLite file without tables or application id; opening it again
// must finish the job rather than call it another program's file.
func TestOpenTakesOverAnEmptySQLiteFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode = WAL").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
	db.Close()
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("the setup left no SQLite header: %v, %v", info, err)
	}
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 2, Series: "E"})
}

// TestDataVersionSeesOtherConnections: a change committed by another
// process (another Store on the same file) or by this store's own
// operations moves DataVersion; reading does not.
func TestDataVersionSeesOtherConnections(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cards.db")
	a, _ := openStoreAt(t, path)
	b, _ := openStoreAt(t, path)
	v0, err := a.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Count(ctx, data.Filter{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.DataVersion(ctx); v != v0 {
		t.Fatalf("a read moved the version from %d to %d", v0, v)
	}
	mustGenerate(t, b, data.GenerateParams{Amount: 500, Quantity: 3, Series: "7"})
	v1, err := a.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v1 == v0 {
		t.Fatalf("another store's generate did not move the version (%d)", v1)
	}
	mustGenerate(t, a, data.GenerateParams{Amount: 500, Quantity: 3, Series: "8"})
	if v2, _ := a.DataVersion(ctx); v2 == v1 {
		t.Fatalf("this store's own generate did not move the version (%d)", v2)
	}
}
