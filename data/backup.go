package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// KeepSnapshots is how many snapshots the backups folder keeps.
const KeepSnapshots = 20

// Snapshot is a copy of the database saved before a destructive change.
type Snapshot struct {
	Path    string
	Reason  string
	Size    int64
	Created time.Time
}

// BackupDir is the folder snapshots go to: backups/ next to the database.
func (s *Store) BackupDir() string { return filepath.Join(filepath.Dir(s.path), "backups") }

func (s *Store) snapshotPrefix() string {
	return strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path)) + "-"
}

// Snapshot saves a consistent copy of the database into the backups folder
// with SQLite's VACUUM INTO, keeps the newest KeepSnapshots, and returns the
// copy's path.
func (s *Store) Snapshot(ctx context.Context, reason string) (string, error) {
	dir := s.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("snapshot: create %s: %w", dir, err)
	}
	stamp := time.Now().UTC().Format("20060102-150405.000000000")
	path := filepath.Join(dir, s.snapshotPrefix()+strings.Replace(stamp, ".", "-", 1)+"-"+reason+".db")
	// VACUUM INTO writes into a new or empty file: make it first so that it
	// is private (mode 0600) like the database.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	f.Close()
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO "+sqlText(path)); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("snapshot into %s: %w", path, err)
	}
	if err := s.prune(); err != nil {
		return path, err
	}
	return path, nil
}

// prune removes all but the newest KeepSnapshots snapshots.
func (s *Store) prune() error {
	snaps, err := s.Snapshots()
	if err != nil {
		return err
	}
	for len(snaps) > KeepSnapshots {
		if err := os.Remove(snaps[0].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove old snapshot: %w", err)
		}
		snaps = snaps[1:]
	}
	return nil
}

// Snapshots lists the snapshots of this database, oldest first.
func (s *Store) Snapshots() ([]Snapshot, error) {
	entries, err := os.ReadDir(s.BackupDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	prefix := s.snapshotPrefix()
	var out []Snapshot
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".db") {
			continue
		}
		rest := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".db")
		// rest is YYYYMMDD-HHMMSS-NNNNNNNNN-reason
		parts := strings.SplitN(rest, "-", 4)
		if len(parts) != 4 {
			continue
		}
		created, err := time.Parse("20060102-150405.000000000", parts[0]+"-"+parts[1]+"."+parts[2])
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, Snapshot{Path: filepath.Join(s.BackupDir(), name), Reason: parts[3], Size: info.Size(), Created: created})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Restore replaces the cards, batches and resellers with those of a
// snapshot, in one transaction. The current state is saved as a snapshot
// first, and the history is kept (with an entry for the restore), so a
// restore can itself be undone.
//
// Print runs are kept like the history: they record sheets that exist on
// paper. Each card's Printed count is the snapshot's, as is everything
// else about the card; it is not recounted from the print runs, whose card
// ids may since have been given to other cards (a deleted card's id is
// reused by the next card generated).
func (s *Store) Restore(ctx context.Context, snapshot string) (Result, error) {
	abs, err := filepath.Abs(snapshot)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return Result{}, errf(ErrSnapshotNotFound, "restore %s: no such snapshot; `topupcards backups list` shows them", snapshot)
	}
	if abs == s.path {
		return Result{}, errf(ErrInvalid, "restore: %s is the open database itself, not a snapshot", snapshot)
	}
	if err := checkFile(abs); err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	// Bring a copy of the snapshot to this schema version; the snapshot
	// itself stays as it is.
	tmp, err := copyToTemp(abs, s.BackupDir())
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	snap, err := Open(ctx, tmp)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	var cards int64
	err = snap.db.QueryRowContext(ctx, "SELECT count(*) FROM cards").Scan(&cards)
	snap.Close()
	if err != nil {
		return Result{}, fmt.Errorf("restore: read snapshot: %w", err)
	}
	before, err := s.Snapshot(ctx, "before-restore")
	if err != nil {
		return Result{}, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE "+sqlText(tmp)+" AS snap"); err != nil {
		return Result{}, fmt.Errorf("restore: open snapshot: %w", err)
	}
	defer conn.ExecContext(context.Background(), "DETACH DATABASE snap")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		"DELETE FROM main.cards", "DELETE FROM main.batches", "DELETE FROM main.resellers",
		"INSERT INTO main.resellers SELECT * FROM snap.resellers",
		"INSERT INTO main.batches SELECT * FROM snap.batches",
		"INSERT INTO main.cards SELECT * FROM snap.cards",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return Result{}, fmt.Errorf("restore: %w", err)
		}
	}
	if err := s.logTx(ctx, tx, "restore", fmt.Sprintf("restored %s (%d cards); the state before is in %s",
		filepath.Base(abs), cards, before), "", cards); err != nil {
		return Result{}, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	return Result{Cards: cards}, nil
}

func copyToTemp(src, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, ".restore-*.db")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), out.Close()
}
