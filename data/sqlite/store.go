// Package sqlite keeps the cards of Top-up Cards in one local SQLite file:
// the default store, with no set-up (data.Store).
//
// The database itself enforces what costs money when it goes wrong: PINs and
// serials are unique indexes, a redemption is one guarded UPDATE, and every
// change is written to the history in the same transaction as the change.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"topupcards/data"
	"topupcards/data/sqlcore"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ApplicationID marks a SQLite file as a Top-up Cards database ("TUPC").
const ApplicationID = 0x54555043

// Store owns the database. It is safe for concurrent use.
type Store struct {
	// The statements both stores share (data/sqlcore): the journal, mass
	// edit and delete, history, resellers, templates and print runs.
	*core
	db   *sql.DB
	path string
	// now is the clock; tests may replace it.
	now func() time.Time
	// warnings are what Open found wrong but could not mend (Warnings).
	warnings []string
	// The integrity check (integrity.go): checked is closed when it is
	// done, checkErr is its verdict, checkOK says it passed (or the file
	// was remembered as checked); cancelCheck stops it.
	checked     chan struct{}
	checkErr    error
	checkOK     bool
	cancelCheck context.CancelFunc
	// backups: whether this store makes the automatic backups (a restore's
	// temporary copy does not); daily guards the daily one (backup.go).
	backups bool
	daily   dailyBackup
	// summed remembers the backups whose checksum matched (backup.go).
	summed sync.Map
	// watch is the connection DataVersion asks on (watch.go).
	watch watch
}

// Warnings are what opening the database found wrong but could not mend,
// such as a database file that others may read and that this user cannot
// make private. The command line prints them; the window shows them.
func (s *Store) Warnings() []string { return s.warnings }

// makePrivate gives the database file and its -wal and -shm files mode
// 0600 (PINs are money): files made by another program, or an earlier
// version, may be readable by others. What cannot be mended (the file
// belongs to another user) is returned as a warning.
func makePrivate(path string) []string {
	var warnings []string
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, 0o600); err != nil {
			warnings = append(warnings, fmt.Sprintf("%s can be read by other users of this computer (mode %04o) and could not be made private (%v); ask its owner to run: chmod 600 %s",
				p, st.Mode().Perm(), err, p))
		}
	}
	return warnings
}

// Path returns the database file the store has open.
func (s *Store) Path() string { return s.path }

// SetClock replaces the store's clock (tests use it to move time forward).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now returns the store's current time in UTC, truncated to seconds.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Second) }

// DefaultPath returns where the database lives when no --db or TOPUPCARDS_DB
// is given: cards.db in the user's data directory.
func DefaultPath() (string, error) {
	if p := os.Getenv("TOPUPCARDS_DB"); p != "" {
		return p, nil
	}
	dir, err := userDataDir()
	if err != nil {
		return "", fmt.Errorf("find the user data directory: %w (set TOPUPCARDS_DB or use --db)", err)
	}
	return filepath.Join(dir, "topupcards", "cards.db"), nil
}

func userDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin", "ios":
		return os.UserConfigDir()
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// dsn builds the connection string: every pooled connection gets the same
// pragmas, and write transactions begin IMMEDIATE so that concurrent
// read-then-write transactions queue on busy_timeout instead of failing.
func dsn(path string, readOnly bool) string { return dsnJournal(path, readOnly, "WAL") }

// dsnJournal is dsn with the given journal mode: DELETE for a file on a
// network file system (netfs.go), where WAL cannot work.
func dsnJournal(path string, readOnly bool, journal string) string {
	q := url.Values{}
	// A writer waits up to a minute for another (a large batch being
	// generated holds the write lock while it runs).
	q.Add("_pragma", "busy_timeout(60000)")
	if !readOnly {
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "journal_mode("+journal+")")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_txlock", "immediate")
	} else {
		q.Add("mode", "ro")
	}
	q.Add("_pragma", "cache_size(-8192)")
	// A statement that writes cards keeps what it changed in a statement
	// journal until it ends (the triggers on cards need one); in a file,
	// generating a million cards wrote 36 pages of it per card and took
	// three times as long.
	q.Add("_pragma", "temp_store(2)")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed, private to the user: see createPrivate)
// the database at path and brings its schema up to date. A file that is not a Top-up Cards database, or one
// written by a newer schema, is refused and left byte-for-byte unchanged.
//
// A schema upgrade is preceded by a verified backup; the first write of a
// day by a verified backup of the day (backup.go, DailyBackup).
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, true)
}

func open(ctx context.Context, path string, backups bool) (*Store, error) {
	if path == "" {
		return nil, errf(data.ErrInvalid, "open database: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := checkFile(abs); err != nil {
		return nil, err
	}
	if err := checkShape(abs); err != nil {
		return nil, err
	}
	if err := createPrivate(abs); err != nil {
		return nil, err
	}
	// Private before SQLite opens it: SQLite gives the -wal and -shm files
	// it creates the mode of the database file.
	warnings := makePrivate(abs)
	registerFuncs()
	source := dsn(abs, false)
	if w := remoteWarning(abs); w != "" {
		warnings = append([]string{w}, warnings...)
		source = dsnJournal(abs, false, "DELETE")
	}
	db, err := sql.Open("sqlite", source)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	s := &Store{db: db, path: abs, now: time.Now, warnings: warnings, backups: backups}
	s.core = sqlcore.New(sqlcore.Backend{
		Pool: db,
		InTx: func(ctx context.Context, fn func(tx sqlcore.Tx) error) error {
			return s.inTx(ctx, func(tx *sql.Tx) error { return fn(tx) })
		},
		Now:      s.Now,
		Where:    func(f data.Filter, now time.Time) (string, []any) { return where(f, now) },
		IsUnique: isUniqueViolation,
		User:     osUser(),
		Dialect: sqlcore.Dialect{
			Serial: func(series, number string) string { return series + " || '-' || printf('%09d', " + number + ")" },
		},
	})
	if backups {
		// What a killed backup or restore left behind (a read of the folder).
		removeStrays(s.BackupDir(), time.Now())
	}
	if err := s.migrate(ctx); err != nil {
		s.stopCheck()
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	s.stopCheck()
	s.closeWatch()
	if !s.checkOK {
		// Damaged, or not checked to the end: write nothing more.
		return s.db.Close()
	}
	// Let SQLite refresh its planner statistics for the next open.
	_, _ = s.db.Exec("PRAGMA optimize")
	if err := s.db.Close(); err != nil {
		return err
	}
	// Checked now, or remembered as checked when opened and only written
	// through SQLite since: the next open need not check it again.
	rememberClean(s.path)
	return nil
}

// checkFile refuses, without writing anything, a file that is not a SQLite
// database, belongs to another program, or has a newer schema version.
func checkFile(path string) error {
	// Look before opening: opening a FIFO waits for a writer, and reading
	// a device never ends.
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if st.IsDir() {
		return errf(data.ErrNotDatabase, "open database %s: it is a folder; give a file name such as %s",
			path, filepath.Join(path, "cards.db"))
	}
	if !st.Mode().IsRegular() {
		return errf(data.ErrNotDatabase, "open database %s: it is not a regular file (a pipe, a device or a socket); give a database file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	if st.Size() == 0 {
		return nil
	}
	var hdr [100]byte
	n, err := io.ReadFull(f, hdr[:])
	if err != nil || n < 100 || string(hdr[:16]) != "SQLite format 3\x00" {
		return errf(data.ErrNotDatabase, "open database %s: the file is not a SQLite database; choose another file or move this one away", path)
	}
	version := int(binary.BigEndian.Uint32(hdr[60:64]))
	appID := binary.BigEndian.Uint32(hdr[68:72])
	if appID != 0 && appID != ApplicationID {
		return errf(data.ErrNotDatabase, "open database %s: the file is a SQLite database of another program; choose another file", path)
	}
	// No application id but a schema (the schema cookie counts its
	// changes): another program's database. Refuse it here, before a
	// connection's journal_mode(WAL) pragma rewrites its header.
	if schemaCookie := binary.BigEndian.Uint32(hdr[40:44]); appID == 0 && schemaCookie != 0 {
		return errf(data.ErrNotDatabase, "open database %s: the file is a SQLite database of another program; choose another file", path)
	}
	if version > len(migrations()) {
		return errf(data.ErrNewerSchema, "open database %s: schema version %d, this program knows up to %d; update Top-up Cards",
			path, version, len(migrations()))
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() []migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []migration
	for _, e := range entries {
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &v); err != nil {
			panic("migration without a version: " + e.Name())
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			panic("migrations are not numbered 1, 2, 3, ...: " + m.name)
		}
	}
	return ms
}

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations()) }

// migrate applies the missing migrations, each in its own transaction, and
// records the version in PRAGMA user_version.
func (s *Store) migrate(ctx context.Context) error {
	var appID int64
	if err := s.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, classify(err))
	}
	var tables int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, classify(err))
	}
	if appID != ApplicationID && tables > 0 {
		return errf(data.ErrNotDatabase, "open database %s: the file is a SQLite database of another program; choose another file", s.path)
	}
	// The file is open (its WAL set up); check it in the background.
	s.startCheck()
	// Reading the version takes no lock: a file that is up to date (the
	// usual case) is opened without waiting for another process's write.
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, classify(err))
	}
	if version == SchemaVersion() {
		return nil
	}
	if err := s.writable(ctx); err != nil {
		return err
	}
	if err := s.backupBeforeUpgrade(ctx, version); err != nil {
		return err
	}
	for _, m := range migrations() {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update the database %s to this version: %w", s.path, busy(classify(err)))
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	if version > SchemaVersion() {
		return errf(data.ErrNewerSchema, "open database %s: schema version %d, this program knows up to %d; update Top-up Cards",
			s.path, version, SchemaVersion())
	}
	if version >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s to version %d (%s): %w", s.path, m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	return tx.Commit()
}

// classify turns SQLite's "not a database" into ErrNotDatabase.
func classify(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return errf(data.ErrNotDatabase, "the file is not a SQLite database")
	}
	return err
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// busy turns SQLite's "database is locked" into ErrBusy with what to do.
func busy(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED) {
		return errf(data.ErrBusy, "the database is busy: another window or command is writing to it (a large batch being generated, say); try again in a minute")
	}
	return err
}

// inTx runs fn in one write transaction (BEGIN IMMEDIATE) and commits it.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.writable(ctx); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return busy(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := s.logDailyBackupFailure(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// logTx writes one history entry inside tx, at the store's time now.
func (s *Store) logTx(ctx context.Context, tx *sql.Tx, action, detail, filter string, cards int64) error {
	_, err := insertHistory(ctx, tx, s.Now(), action, detail, filter, cards, 0)
	return err
}

// insertHistory writes one history entry by the operating-system user
// (sqlcore.InsertHistory).
func insertHistory(ctx context.Context, tx *sql.Tx, at time.Time, action, detail, filter string, cards, undoOf int64) (int64, error) {
	return sqlcore.InsertHistory(ctx, tx, osUser(), at, action, detail, filter, cards, undoOf)
}

// sqlText quotes s as an SQL string literal (for VACUUM INTO and ATTACH,
// which take no parameters in every position).
func sqlText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
