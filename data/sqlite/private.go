package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// createPrivate makes sure the database file at path (absolute) exists and
// that only its owner can read it: a new folder is created with mode 0700
// and a new file with mode 0600. On Windows, where file modes do not restrict
// readers, a new folder and a new file get a protected access list that lets
// in only the current user (and SYSTEM, as root on Linux); SQLite's -wal and
// -shm files and the backups/ folder inherit it from a folder made here.
// Existing files and folders are left as they are.
func createPrivate(path string) error {
	dir := filepath.Dir(path)
	_, err := os.Stat(dir)
	newDir := errors.Is(err, fs.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create folder for database: %w", err)
	}
	if newDir {
		if err := restrictToOwner(dir, true); err != nil {
			return fmt.Errorf("make folder %s private: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("open database %s: %w", path, err)
		}
		return f.Close()
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	f.Close()
	if err := restrictToOwner(path, false); err != nil {
		return fmt.Errorf("make database %s private: %w", path, err)
	}
	return nil
}
