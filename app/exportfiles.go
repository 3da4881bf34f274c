package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// An export writes into a private folder next to its file
// (".NAME.tmp-RANDOM", mode 0700): the file itself, and the workbook's
// temporary sheets, so that PINs never land in the shared system temporary
// folder and a finished export renames its file into place on the same
// disk. The folder is removed when the export ends, however it ends. A
// process killed outright (SIGKILL, power loss) cannot remove it, so each
// export also leaves a note in the user's cache folder naming its folder
// and its process; the next start of the program removes the folders of
// notes whose process is gone.

// pendingDir is where the notes of exports under way are kept.
func pendingDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "topupcards", "exports")
}

// exportWorkDir is an export's private folder next to abs, with its note;
// done removes both.
//
// The note is written before the folder is made, so that no moment exists
// when a folder has no note.
func exportWorkDir(abs string) (dir string, done func(), err error) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", nil, err
	}
	dir = filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-"+hex.EncodeToString(rnd[:]))
	note := ""
	if p := pendingDir(); p != "" && os.MkdirAll(p, 0o700) == nil {
		note = filepath.Join(p, strconv.Itoa(os.Getpid())+"-"+hex.EncodeToString(rnd[:]))
		if os.WriteFile(note, []byte(dir), 0o600) != nil {
			note = ""
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if note != "" {
			os.Remove(note)
		}
		return "", nil, err
	}
	return dir, func() {
		os.RemoveAll(dir)
		if note != "" {
			os.Remove(note)
		}
	}, nil
}

// cleanStaleExports removes the folders of exports whose process is gone.
func cleanStaleExports() {
	p := pendingDir()
	entries, err := os.ReadDir(p)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(strings.SplitN(e.Name(), "-", 2)[0])
		if err != nil || sqlite.ProcessAlive(pid) {
			continue
		}
		note := filepath.Join(p, e.Name())
		b, err := os.ReadFile(note)
		// Only ever an export's own folder: ".NAME.tmp-RANDOM".
		if dir := string(b); err == nil && strings.HasPrefix(filepath.Base(dir), ".") && strings.Contains(filepath.Base(dir), ".tmp-") {
			os.RemoveAll(dir)
		}
		os.Remove(note)
	}
}

// checkNotOurs refuses an export target that is the open database, its
// -wal, -shm or -journal file, or anything in its backups folder, by name
// or as the same file under another name.
func checkNotOurs(abs string, s data.Store) error {
	db := s.Path()
	backups, _ := filepath.Abs(s.BackupDir())
	if rel, err := filepath.Rel(backups, abs); s.BackupDir() != "" && err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return data.NewError(data.ErrInvalid, "export to %s: that is the backups folder of the open database; save the export elsewhere", abs)
	}
	target, err := os.Stat(abs)
	for _, p := range []string{db, db + "-wal", db + "-shm", db + "-journal"} {
		same := p == abs
		if !same && err == nil {
			if st, serr := os.Stat(p); serr == nil {
				same = os.SameFile(st, target)
			}
		}
		if same {
			return data.NewError(data.ErrInvalid, "export to %s: that is the open card database (or its journal); choose another file name", abs)
		}
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export to %s: %w", abs, err)
	}
	return nil
}
