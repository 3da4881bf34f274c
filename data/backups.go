package data

import (
	"errors"
	"fmt"
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

	// The backend's bookkeeping (the SQLite files' backups):
	Modified time.Time // the file's modification time: orders backups made in the same second
	Identity string    // the identity in the name ("none": made before the database had one)
	Checksum string    // the CRC-32C in the name, hex
	Fresh    bool      // made by this call of CreateBackup (not an identical one found)
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
