package sqlite

// Backups as SQLite files: made with VACUUM INTO under a temporary name,
// checked (integrity, application id, schema version, identity), flushed to
// disk and only then renamed to a name the list shows; restored by attaching
// the checked file and copying its cards, batches and resellers into the
// open database in one transaction, with every redemption made since kept.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"topupcards/data"
)

// BackupDir is the folder backups go to: backups/ next to the database.
func (s *Store) BackupDir() string { return filepath.Join(filepath.Dir(s.path), "backups") }

// Temporary files in the backups folder: .backup-PID-RANDOM.tmp while a
// backup is written and checked, .restore-PID-RANDOM.tmp while an older
// backup is brought to this schema for a restore.
const (
	tmpBackupPrefix  = ".backup-"
	tmpRestorePrefix = ".restore-"
	tmpSuffix        = ".tmp"
)

// strayAge is how old a temporary file must be to be removed even though
// the process its name names still runs (its id may have been reused).
const strayAge = time.Hour

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CreateBackup makes a verified backup of the database in BackupDir and
// applies the retention to this database's backups. reason says why (one of
// the Backup* constants, or a short word).
func (s *Store) CreateBackup(ctx context.Context, reason string) (data.Backup, error) {
	b, err := s.createBackup(ctx, reason)
	if err != nil {
		return data.Backup{}, err
	}
	if err := s.prune(ctx); err != nil {
		return b, err
	}
	return b, nil
}

// createBackup writes, checks and names one backup, without pruning.
// b.Fresh says whether the file is new (an unchanged database backed up
// twice in one second with one reason gives the same file).
func (s *Store) createBackup(ctx context.Context, reason string) (data.Backup, error) {
	reason = cleanReason(reason)
	dir := s.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return data.Backup{}, fmt.Errorf("back up: create %s: %w", dir, err)
	}
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	identity, err := readIdentity(ctx, s.db, "main")
	if err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	at := s.Now()
	tmp, err := createTemp(dir, tmpBackupPrefix)
	if err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	done := false
	defer func() {
		if !done {
			removeWithJournal(tmp)
		}
	}()
	// VACUUM INTO copies one consistent read of the database (writers go
	// on meanwhile) into the empty file made above, compacted.
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO "+sqlText(tmp)); err != nil {
		return data.Backup{}, fmt.Errorf("back up into %s: %w", dir, busy(err))
	}
	if err := syncFile(tmp); err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	info, err := checkBackupFile(ctx, tmp, checkQuick)
	if err != nil {
		return data.Backup{}, fmt.Errorf("back up: the copy failed its check, nothing was saved: %w", err)
	}
	if info.version != version || info.identity != identity {
		return data.Backup{}, errf(data.ErrBackupDamaged, "back up: the copy is not of this database (schema %d, identity %q); nothing was saved", info.version, info.identity)
	}
	sum, err := fileCRC(tmp)
	if err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	final := filepath.Join(dir, backupName(filepath.Base(s.path), at, reason, identity, sum))
	created, err := publish(tmp, final)
	if err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	done = true
	st, err := os.Stat(final)
	if err != nil {
		return data.Backup{}, fmt.Errorf("back up: %w", err)
	}
	b, _ := parseBackupName(filepath.Base(s.path), filepath.Base(final))
	b.Path, b.Cards, b.Size, b.Modified, b.Fresh = final, info.cards, st.Size(), st.ModTime(), created
	return b, nil
}

// cleanReason keeps a reason to letters, digits and dashes.
func cleanReason(r string) string {
	r = strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			return c
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A'
		}
		return '-'
	}, r)
	if r == "" {
		return data.BackupManual
	}
	return r
}

// createTemp makes an empty private file prefix-PID-RANDOM.tmp in dir.
func createTemp(dir, prefix string) (string, error) {
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("%s%d-%s%s", prefix, os.Getpid(), hex.EncodeToString(rnd[:]), tmpSuffix))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	return path, f.Close()
}

// removeWithJournal removes a file SQLite wrote and its side files.
func removeWithJournal(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return // a folder cannot be opened for syncing there; NTFS logs renames
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// publish gives the checked file tmp its final name, never replacing a
// file. The name carries the content's checksum: if it exists already, it
// is the same backup, and created is false.
func publish(tmp, final string) (created bool, err error) {
	err = os.Link(tmp, final)
	switch {
	case err == nil:
		created = true
		os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		os.Remove(tmp)
	default:
		// No hard links on this file system.
		if _, serr := os.Stat(final); serr == nil {
			os.Remove(tmp)
		} else if err := os.Rename(tmp, final); err != nil {
			return false, err
		} else {
			created = true
		}
	}
	syncDir(filepath.Dir(final))
	return created, nil
}

func fileCRC(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return fmt.Sprintf("%08x", h.Sum32()), nil
}

// How deep checkBackupFile looks into the file.
type checkLevel int

const (
	checkHeader checkLevel = iota // header, length, identity: for listing
	checkQuick                    // and SQLite's quick_check (every page and b-tree) and foreign keys
	checkFull                     // and SQLite's integrity_check (indexes against their tables too)
)

// backupInfo is what a check of a backup file found.
type backupInfo struct {
	version  int
	identity string // "" before schema 6
	cards    int64
}

// checkBackupFile checks that path is a complete Top-up Cards database:
// its header (SQLite, our application id, a known schema, the file as long
// as the header says), no journal beside it, and, as level asks, SQLite's
// own checks. The file is opened read-only and immutable: nothing is
// written to it or beside it.
func checkBackupFile(ctx context.Context, path string, level checkLevel) (backupInfo, error) {
	var info backupInfo
	f, err := os.Open(path)
	if err != nil {
		return info, errf(data.ErrBackupNotFound, "%s: cannot read it (%v); `topupcards backups list` shows the backups", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return info, err
	}
	var hdr [100]byte
	_, err = io.ReadFull(f, hdr[:])
	f.Close()
	const magic = "SQLite format 3\x00"
	switch {
	case st.IsDir():
		return info, errf(data.ErrNotDatabase, "%s is a folder, not a Top-up Cards backup; choose a file", path)
	case st.Size() == 0:
		return info, errf(data.ErrBackupDamaged, "%s is empty: a backup that was never finished; choose another backup", path)
	case !strings.HasPrefix(magic, string(hdr[:min(int(st.Size()), 16)])) && string(hdr[:16]) != magic:
		return info, errf(data.ErrNotDatabase, "%s is not a Top-up Cards backup (not a SQLite database); choose another file", path)
	case err != nil:
		return info, errf(data.ErrBackupDamaged, "%s is cut short; choose another backup", path)
	}
	if binary.BigEndian.Uint32(hdr[68:72]) != ApplicationID {
		return info, errf(data.ErrNotDatabase, "%s is a SQLite database of another program, not a Top-up Cards backup; choose another file", path)
	}
	info.version = int(binary.BigEndian.Uint32(hdr[60:64]))
	if info.version > SchemaVersion() {
		return info, errf(data.ErrNewerSchema, "%s was written by a newer version of Top-up Cards (schema %d, this program knows up to %d); update Top-up Cards",
			path, info.version, SchemaVersion())
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	// The page count is valid when the change counter matches.
	if binary.BigEndian.Uint32(hdr[24:28]) == binary.BigEndian.Uint32(hdr[92:96]) && pages*pageSize != st.Size() {
		return info, errf(data.ErrBackupDamaged, "%s is damaged: %d bytes where its header says %d; choose another backup", path, st.Size(), pages*pageSize)
	}
	if _, err := os.Stat(path + "-journal"); err == nil {
		return info, errf(data.ErrBackupDamaged, "%s was not finished (a journal lies beside it); choose another backup", path)
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return info, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	damaged := func(what string) error {
		return errf(data.ErrBackupDamaged, "%s is damaged (%s); choose another backup", path, what)
	}
	if level >= checkQuick {
		check := "PRAGMA quick_check"
		if level == checkFull {
			check = "PRAGMA integrity_check"
		}
		rows, err := db.QueryContext(ctx, check)
		if err != nil {
			return info, damaged(err.Error())
		}
		var problems []string
		for rows.Next() {
			var p string
			if rows.Scan(&p) == nil && p != "ok" {
				problems = append(problems, p)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(problems) > 0 {
			if err != nil {
				problems = append(problems, err.Error())
			}
			return info, damaged(strings.TrimPrefix(check, "PRAGMA ") + ": " + strings.Join(problems[:min(3, len(problems))], "; "))
		}
		var table string
		err = db.QueryRowContext(ctx, "PRAGMA foreign_key_check").Scan(&table, new(any), new(any), new(any))
		if err == nil {
			return info, damaged("a card refers to a missing " + strings.TrimSuffix(table, "s"))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return info, damaged(err.Error())
		}
	}
	var appID int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return info, damaged(err.Error())
	}
	if appID != ApplicationID || info.version < 1 {
		return info, errf(data.ErrNotDatabase, "%s is not a Top-up Cards backup; choose another file", path)
	}
	if info.identity, err = readIdentity(ctx, db, "main"); err != nil {
		return info, damaged(err.Error())
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM cards").Scan(&info.cards); err != nil {
		return info, damaged(err.Error())
	}
	return info, nil
}

// readIdentity returns the database identity kept in schema's meta table,
// or "" when it has none (before schema 6).
func readIdentity(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, schema string) (string, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+schema+".sqlite_schema WHERE type = 'table' AND name = 'meta'").Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		return "", nil
	}
	var id string
	err := q.QueryRowContext(ctx, "SELECT value FROM "+schema+".meta WHERE key = 'identity'").Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// Backups lists this database's backups, oldest first: those this version
// made (named after this file, with this database's identity) and the
// snapshots the previous version saved for it. A file is listed only when
// it checks out: a complete SQLite file of this program, as long as its
// header says, no journal beside it, of this database, and, for a backup of
// this version, with the checksum its name carries (a changed byte hides
// it, so a damaged backup never takes a place the retention keeps). A
// restore checks it again with SQLite's own checks.
func (s *Store) Backups(ctx context.Context) ([]data.Backup, error) {
	identity, err := readIdentity(ctx, s.db, "main")
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	entries, err := os.ReadDir(s.BackupDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var out []data.Backup
	for _, e := range entries {
		b, ok := s.ownBackup(e.Name(), identity)
		if !ok || e.IsDir() {
			continue
		}
		b.Path = filepath.Join(s.BackupDir(), e.Name())
		info, err := checkBackupFile(ctx, b.Path, checkHeader)
		if err != nil || (info.identity != "" && info.identity != identity) || (info.identity == "" && !b.Legacy && b.Identity != "none") {
			continue
		}
		st, err := e.Info()
		if err != nil || (!b.Legacy && !s.sumMatches(b, st)) {
			continue
		}
		b.Cards, b.Size, b.Modified = info.cards, st.Size(), st.ModTime()
		out = append(out, b)
	}
	sortBackups(out)
	return out, nil
}

// sumMatches reports whether the backup's content has the checksum its
// name carries. The answer is remembered for the file as it is (size and
// time), so a store reads each backup once.
func (s *Store) sumMatches(b data.Backup, st fs.FileInfo) bool {
	key := fmt.Sprintf("%s\x00%d\x00%d", b.Path, st.Size(), st.ModTime().UnixNano())
	if _, ok := s.summed.Load(key); ok {
		return true
	}
	sum, err := fileCRC(b.Path)
	if err != nil || sum != b.Checksum {
		return false
	}
	s.summed.Store(key, true)
	return true
}

// ownBackup reports whether name is a backup of this database by its name.
func (s *Store) ownBackup(name, identity string) (data.Backup, bool) {
	if b, ok := parseBackupName(filepath.Base(s.path), name); ok {
		if b.Identity == "none" || (identity != "" && strings.HasPrefix(identity, b.Identity)) {
			return b, true
		}
		return b, false
	}
	return parseLegacyName(s.path, name)
}

// prune removes this database's backups that the retention does not keep.
// Other files in the folder (other databases' backups, anything else) are
// left alone.
func (s *Store) prune(ctx context.Context) error {
	bs, err := s.Backups(ctx)
	if err != nil {
		return err
	}
	keep := retained(bs, time.Local)
	for i, b := range bs {
		if !keep[i] {
			if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove an old backup: %w", err)
			}
		}
	}
	return nil
}

// removeStrays removes what interrupted backups and restores left in dir:
// temporary files of processes that no longer run (or older than an hour),
// and unfinished snapshots of the previous version (empty, cut short or
// with a journal beside them) older than an hour.
func removeStrays(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		info, err := e.Info()
		if err != nil || e.IsDir() {
			continue
		}
		old := now.Sub(info.ModTime()) > strayAge
		path := filepath.Join(dir, name)
		switch {
		case strings.HasPrefix(name, tmpBackupPrefix) || strings.HasPrefix(name, tmpRestorePrefix):
			if old || !ProcessAlive(tempPID(name)) {
				os.Remove(path)
			}
		case strings.HasSuffix(name, ".db-journal") && old:
			os.Remove(strings.TrimSuffix(path, "-journal"))
			os.Remove(path)
		case strings.HasSuffix(name, ".db") && old && (info.Size() == 0 || cutShort(path, info.Size())):
			os.Remove(path)
		}
	}
}

// cutShort reports whether path is a SQLite file shorter or longer than its
// header says (a copy that was interrupted).
func cutShort(path string, size int64) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var hdr [100]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return string(hdr[:6]) == "SQLite"
	}
	if string(hdr[:16]) != "SQLite format 3\x00" || binary.BigEndian.Uint32(hdr[24:28]) != binary.BigEndian.Uint32(hdr[92:96]) {
		return false
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	return int64(binary.BigEndian.Uint32(hdr[28:32]))*pageSize != size
}

// backedUpToday reports whether a backup of this file was made today, by
// the names alone (only checked backups get such a name), so that opening
// does not read every backup.
func (s *Store) backedUpToday(identity string) bool {
	entries, _ := os.ReadDir(s.BackupDir())
	y, m, d := s.now().Local().Date()
	for _, e := range entries {
		if b, ok := s.ownBackup(e.Name(), identity); ok && !b.Legacy {
			if by, bm, bd := b.Created.Local().Date(); by == y && bm == m && bd == d {
				return true
			}
		}
	}
	return false
}

// tempPID reads the process id out of a temporary file's name.
func tempPID(name string) int {
	name = strings.TrimPrefix(strings.TrimPrefix(name, tmpBackupPrefix), tmpRestorePrefix)
	pid, err := strconv.Atoi(strings.SplitN(name, "-", 2)[0])
	if err != nil {
		return 0
	}
	return pid
}

// ProcessAlive reports whether a process with this id runs (on Windows,
// whether it can be opened). Temporary files name their process with it.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	if runtime.GOOS == "windows" {
		p.Release() // FindProcess opened it: it runs
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// dailyBackup guards the automatic backup of the day: made once per store,
// by the first write (the command line) or at the window's start.
type dailyBackup struct {
	mu      sync.Mutex
	started bool
	warn    string // why it failed, for the history
	logged  bool
}

// DailyBackup makes the day's verified backup if this database has none
// yet and anything has happened in it. It runs once per store: the first
// write calls it and waits; the window calls it at start in the
// background, and writes meanwhile do not wait for it (VACUUM INTO reads
// one consistent state while writers go on). A failure does not stop the
// work: it is written to the history with the next change, and returned.
func (s *Store) DailyBackup(ctx context.Context) error {
	if !s.backups {
		return nil
	}
	s.daily.mu.Lock()
	if s.daily.started {
		s.daily.mu.Unlock()
		return nil
	}
	s.daily.started = true
	s.daily.mu.Unlock()
	var used bool
	if err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM history)").Scan(&used); err != nil || !used {
		return nil // nothing has happened in it yet: nothing to lose
	}
	identity, err := readIdentity(ctx, s.db, "main")
	if err == nil && s.backedUpToday(identity) {
		return nil
	}
	if err == nil {
		_, err = s.CreateBackup(ctx, data.BackupDaily)
	}
	if err != nil {
		s.daily.mu.Lock()
		s.daily.warn = fmt.Sprintf("the automatic daily backup failed: %v; make one with Back up now or `topupcards backups create`", err)
		s.daily.mu.Unlock()
		return err
	}
	return nil
}

// logDailyBackupFailure writes a failed daily backup into the history, in
// the transaction of the change that follows it.
func (s *Store) logDailyBackupFailure(ctx context.Context, tx *sql.Tx) error {
	s.daily.mu.Lock()
	warn := s.daily.warn
	if warn == "" || s.daily.logged {
		s.daily.mu.Unlock()
		return nil
	}
	s.daily.logged = true
	s.daily.mu.Unlock()
	return s.logTx(ctx, tx, "backup", warn, "", 0)
}

// backupBeforeUpgrade makes a verified backup of a database about to be
// migrated from schema version (0: a new file, nothing to keep). A
// database that cannot be backed up is not upgraded.
func (s *Store) backupBeforeUpgrade(ctx context.Context, version int) error {
	if !s.backups || version == 0 {
		return nil
	}
	if _, err := s.CreateBackup(ctx, data.BackupBeforeUpgrade); err != nil {
		return fmt.Errorf("open database %s: it needs an upgrade to schema %d and could not be backed up first, so it was left as it is: %w",
			s.path, SchemaVersion(), err)
	}
	return nil
}
