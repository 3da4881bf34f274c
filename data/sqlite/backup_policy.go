package sqlite

// What backups promise, apart from how a file is copied: their names, which
// database each belongs to, which are kept, and what a restore would lose.
// Nothing here knows SQLite; backup.go does the copying and checking.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"topupcards/data"
)

// backupExt ends the name of every backup this version makes.
const backupExt = ".backup"

// backupName is DBFILE.YYYYMMDD-HHMMSS.REASON.ID.CRC.backup: the database's
// file name (so that cards.db and cards.old in one folder never share
// backups, even when one is a copy of the other), the time, why, the first
// 12 characters of the database's identity (or "none" before schema 6), and
// the CRC-32C of the whole file, which a restore checks again.
func backupName(dbFile string, at time.Time, reason, identity, sum string) string {
	id := "none"
	if identity != "" {
		id = identity[:min(12, len(identity))]
	}
	return fmt.Sprintf("%s.%s.%s.%s.%s%s", dbFile, at.UTC().Format("20060102-150405"), reason, id, sum, backupExt)
}

// parseBackupName reads a name made by backupName for the database file
// dbFile; ok is false for any other name.
func parseBackupName(dbFile, name string) (b data.Backup, ok bool) {
	rest, found := strings.CutPrefix(name, dbFile+".")
	if !found {
		return b, false
	}
	rest, found = strings.CutSuffix(rest, backupExt)
	if !found {
		return b, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 4 || len(parts[3]) != 8 {
		return b, false
	}
	at, err := time.Parse("20060102-150405", parts[0])
	if err != nil {
		return b, false
	}
	return data.Backup{Created: at.UTC(), Reason: parts[1], Identity: parts[2], Checksum: parts[3]}, true
}

// parseLegacyName reads the name of a snapshot saved by the previous
// version, BASE-YYYYMMDD-HHMMSS-NNNNNNNNN-REASON.db, where BASE is the
// database's file name without its extension. Those names did not tell
// cards.db from cards.old: a snapshot counts as the database's when its
// file is BASE.db, or when no BASE.db is in the folder.
func parseLegacyName(dbPath, name string) (b data.Backup, ok bool) {
	dbFile := filepath.Base(dbPath)
	ext := filepath.Ext(dbFile)
	base := strings.TrimSuffix(dbFile, ext)
	if ext != ".db" && ext != "" {
		if _, err := os.Stat(filepath.Join(filepath.Dir(dbPath), base+".db")); err == nil {
			return b, false
		}
	}
	rest, found := strings.CutPrefix(name, base+"-")
	if !found {
		return b, false
	}
	rest, found = strings.CutSuffix(rest, ".db")
	if !found {
		return b, false
	}
	parts := strings.SplitN(rest, "-", 4)
	if len(parts) != 4 {
		return b, false
	}
	at, err := time.Parse("20060102-150405.000000000", parts[0]+"-"+parts[1]+"."+parts[2])
	if err != nil {
		return b, false
	}
	return data.Backup{Created: at.UTC(), Reason: parts[3], Legacy: true}, true
}

// sortBackups puts backups oldest first.
func sortBackups(bs []data.Backup) {
	sort.SliceStable(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		if !a.Created.Equal(b.Created) {
			return a.Created.Before(b.Created)
		}
		if !a.Modified.Equal(b.Modified) {
			return a.Modified.Before(b.Modified)
		}
		return a.Path < b.Path
	})
}

// retained returns which of bs (one database's backups, oldest first) the
// retention keeps: every backup of the newest day, the newest backup of
// each of the KeepDaily-1 days before it that have backups, and the newest
// of each of the KeepWeekly ISO weeks before those. Days and weeks are in
// loc.
func retained(bs []data.Backup, loc *time.Location) []bool {
	keep := make([]bool, len(bs))
	days, weeks := 0, 0
	var lastDay, lastWeek string
	for i := len(bs) - 1; i >= 0; i-- {
		t := bs[i].Created.In(loc)
		day := t.Format("2006-01-02")
		y, w := t.ISOWeek()
		week := fmt.Sprintf("%d-W%02d", y, w)
		switch {
		case day == lastDay:
			keep[i] = days == 1 // the newest day keeps everything
		case days < data.KeepDaily:
			days++
			keep[i] = true
		case week != lastWeek && weeks < data.KeepWeekly:
			// The week of the oldest daily backup has its backup already.
			weeks++
			keep[i] = true
		}
		lastDay = day
		if keep[i] {
			lastWeek = week
		}
	}
	return keep
}
