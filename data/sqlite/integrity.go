package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"topupcards/data"
)

// A damaged database is never written to. Open checks the file's shape at
// once (size against the page size and the page count in its header: a
// truncated file fails here) and the whole file with SQLite's quick_check
// in the background; every write waits for that check and is refused if it
// failed. Reads do not wait, so a million-card file opens as fast as ever.
//
// A file this program checked, or closed after writing to it, is
// remembered by its identity (device, inode, size, modification time) in
// the user's cache folder, so that the next open of the same unchanged file
// skips the full check.

func damaged(path, why string) error {
	return errf(data.ErrDamaged, "the card database %s is damaged (%s); nothing was written to it. Keep the file as it is and restore the newest backup (topupcards backups list; History & Backups)", path, why)
}

// checkShape reads the header of the SQLite file at path and checks that
// the file is as long as the header says: whole pages, and not fewer than
// the header counts. It reads 100 bytes and stats the file.
func checkShape(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // a missing file is made by Open; other errors surface there
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return nil
	}
	var hdr [100]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return damaged(path, "its header is cut short")
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return damaged(path, fmt.Sprintf("its header names a page size of %d bytes", pageSize))
	}
	if st.Size()%pageSize != 0 {
		return damaged(path, fmt.Sprintf("it is %d bytes long, not a whole number of %d-byte pages: it was cut short", st.Size(), pageSize))
	}
	// The page count in the header is valid when the change counter
	// matches "version valid for".
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	if binary.BigEndian.Uint32(hdr[24:28]) == binary.BigEndian.Uint32(hdr[92:96]) && pages > 0 && st.Size() < pages*pageSize {
		return damaged(path, fmt.Sprintf("it holds %d pages, its header counts %d: it was cut short", st.Size()/pageSize, pages))
	}
	return nil
}

// startCheck runs quick_check in the background unless the file is
// remembered as checked; writes wait for it (writable).
//
// Close cancels a check still running: a command that only reads does not
// wait for it (and then writes nothing, not even planner statistics).
func (s *Store) startCheck() {
	s.checked = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelCheck = cancel
	if rememberedClean(s.path) {
		s.checkOK = true
		close(s.checked)
		return
	}
	go func() {
		defer close(s.checked)
		rows, err := s.db.QueryContext(ctx, "PRAGMA quick_check(20)")
		if ctx.Err() != nil {
			s.checkErr = errf(data.ErrBusy, "the database is closing")
			return
		}
		if err != nil {
			s.checkErr = damaged(s.path, err.Error())
			return
		}
		defer rows.Close()
		var problems []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				s.checkErr = damaged(s.path, err.Error())
				return
			}
			if line != "ok" {
				problems = append(problems, line)
			}
		}
		if ctx.Err() != nil {
			s.checkErr = errf(data.ErrBusy, "the database is closing")
			return
		}
		if err := rows.Err(); err != nil {
			s.checkErr = damaged(s.path, err.Error())
			return
		}
		if len(problems) > 0 {
			s.checkErr = damaged(s.path, strings.Join(problems, "; "))
			return
		}
		s.checkOK = true
	}()
}

// stopCheck cancels the check if it still runs and waits for it to end.
func (s *Store) stopCheck() {
	if s.checked == nil {
		return
	}
	s.cancelCheck()
	<-s.checked
}

// writable waits for the integrity check and says whether the database
// may be written.
//
// The first write of a store also makes the day's backup (DailyBackup).
func (s *Store) writable(ctx context.Context) error {
	select {
	case <-s.checked:
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.checkErr != nil {
		return s.checkErr
	}
	_ = s.DailyBackup(ctx) // a failure is logged with the change
	return nil
}

// fileIdentity names one version of a database file: its size, its
// modification time and SQLite's file change counter (header bytes 24-27).
func fileIdentity(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	var counter [4]byte
	if _, err := f.ReadAt(counter[:], 24); err != nil {
		return ""
	}
	return fmt.Sprintf("%d %d %d", st.Size(), st.ModTime().UnixNano(), binary.BigEndian.Uint32(counter[:]))
}

// cleanRecord is where the identity of path, checked clean, is kept.
func cleanRecord(path string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(dir, "topupcards", "checked-"+hex.EncodeToString(sum[:8]))
}

func rememberedClean(path string) bool {
	rec := cleanRecord(path)
	if rec == "" {
		return false
	}
	b, err := os.ReadFile(rec)
	id := fileIdentity(path)
	return err == nil && id != "" && string(b) == id
}

// rememberClean records the file at path, as it is now, as checked.
func rememberClean(path string) {
	rec := cleanRecord(path)
	id := fileIdentity(path)
	if rec == "" || id == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(rec), 0o700); err != nil {
		return
	}
	tmp := fmt.Sprintf("%s.tmp-%d", rec, os.Getpid())
	if err := os.WriteFile(tmp, []byte(id), 0o600); err != nil {
		os.Remove(tmp)
		return
	}
	if err := os.Rename(tmp, rec); err != nil {
		os.Remove(tmp)
	}
}
