package data

// What backups promise, apart from how a file is copied: their names, which
// database each belongs to, which are kept, and what a restore would lose.
// Nothing here knows SQLite; backup.go does the copying and checking.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Retention: the newest KeepDaily days that have backups keep their newest
// backup (the newest of those days keeps every backup made that day), and
// the KeepWeekly ISO weeks before those keep their newest backup each.
const (
	KeepDaily  = 7
	KeepWeekly = 4
)

// Why a backup was made.
const (
	BackupDaily         = "daily"            // the first time the database is opened for writing on a day
	BackupManual        = "manual"           // `backups create` or Back up now
	BackupBeforeRestore = "before-restore"   // the state a restore replaced
	BackupBeforeUpgrade = "before-migration" // the file as it was before a schema upgrade
)

// Errors of backups and restores.
var (
	ErrBackupNotFound = ErrSnapshotNotFound // its older name
	ErrBackupDamaged  = errors.New("backup damaged")
	ErrForeignBackup  = errors.New("backup of another database")
)

// Backup is one verified copy of the database in the backups folder.
type Backup struct {
	Path    string
	Created time.Time // when it was made, UTC (to the second)
	Reason  string    // BackupDaily, BackupManual, ...; for a snapshot of the previous version, its reason (edit, delete)
	Cards   int64     // cards in the backup
	Size    int64     // bytes
	Legacy  bool      // a snapshot saved by the previous version (no checksum in its name)

	mod     time.Time // the file's modification time: orders backups made in the same second
	id      string    // the identity in the name ("none": made before the database had one)
	sum     string    // the CRC-32C in the name, hex
	created bool      // made by this call of createBackup (not an identical one found)
}

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
func parseBackupName(dbFile, name string) (b Backup, ok bool) {
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
	return Backup{Created: at.UTC(), Reason: parts[1], id: parts[2], sum: parts[3]}, true
}

// parseLegacyName reads the name of a snapshot saved by the previous
// version, BASE-YYYYMMDD-HHMMSS-NNNNNNNNN-REASON.db, where BASE is the
// database's file name without its extension. Those names did not tell
// cards.db from cards.old: a snapshot counts as the database's when its
// file is BASE.db, or when no BASE.db is in the folder.
func parseLegacyName(dbPath, name string) (b Backup, ok bool) {
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
	return Backup{Created: at.UTC(), Reason: parts[3], Legacy: true}, true
}

// sortBackups puts backups oldest first.
func sortBackups(bs []Backup) {
	sort.SliceStable(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		if !a.Created.Equal(b.Created) {
			return a.Created.Before(b.Created)
		}
		if !a.mod.Equal(b.mod) {
			return a.mod.Before(b.mod)
		}
		return a.Path < b.Path
	})
}

// retained returns which of bs (one database's backups, oldest first) the
// retention keeps: every backup of the newest day, the newest backup of
// each of the KeepDaily-1 days before it that have backups, and the newest
// of each of the KeepWeekly ISO weeks before those. Days and weeks are in
// loc.
func retained(bs []Backup, loc *time.Location) []bool {
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
		case days < KeepDaily:
			days++
			keep[i] = true
		case week != lastWeek && weeks < KeepWeekly:
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

// RestorePlan says what a restore of a backup would change, before anything
// is changed, so that a person can decide.
type RestorePlan struct {
	Backup  Backup
	Current int64 // cards in the database now

	Added     int64 // cards made since the backup: the restore removes them
	Changed   int64 // cards edited since (expiry, owner, blocked): set back to the backup's values
	Unblocked int64 // of those, cards blocked since the backup that would be redeemable again
	Deleted   int64 // cards deleted since the backup: the restore brings them back
	Edits     int64 // generations, edits, deletions and restores since the backup, in the history

	PrintRuns   int64 // print runs since the backup: kept, and their cards stay counted as printed
	Redemptions int64 // redemptions since the backup: carried into the restored cards
}

// Describe says in one sentence what the restore would lose and keep.
func (p RestorePlan) Describe() string {
	s := fmt.Sprintf("restoring the backup of %s (%s cards) replaces the %s cards now: %s made since are removed, %s edited since are set back",
		Plain.Timestamp(p.Backup.Created), groupDigits(p.Backup.Cards), groupDigits(p.Current), groupDigits(p.Added), groupDigits(p.Changed))
	if p.Unblocked > 0 {
		s += fmt.Sprintf(" (%s blocked since become unblocked)", groupDigits(p.Unblocked))
	}
	s += fmt.Sprintf(", %s deleted since come back; %s changes in the history since the backup are undone", groupDigits(p.Deleted), groupDigits(p.Edits))
	s += fmt.Sprintf("; kept: %s print runs and %s redemptions since the backup (a redeemed card stays redeemed)",
		groupDigits(p.PrintRuns), groupDigits(p.Redemptions))
	return s
}

// groupDigits writes n with thousands separators.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Plan   RestorePlan // what it replaced
	Cards  int64       // cards now, as in the backup
	Before Backup      // the backup of the state before the restore
}
