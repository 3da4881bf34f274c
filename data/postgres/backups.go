package postgres

import (
	"context"
	"net/url"
	"strings"

	"topupcards/data"
)

// A server's backups are the server's job: pg_dump (or the host's own
// backups) copies the database while the desks go on working. The store
// makes none itself and says which command to run.

// BackupDir is "": the store makes no backup files.
func (s *Store) BackupDir() string { return "" }

// DumpCommand is the pg_dump command that backs up this database into a
// file (the password, if any, is asked for or read from ~/.pgpass, not
// written here).
func (s *Store) DumpCommand() string {
	u, err := url.Parse(s.url)
	if err != nil {
		return "pg_dump --format=custom --file=topupcards.dump DBNAME"
	}
	args := []string{"pg_dump", "--format=custom", "--file=topupcards-$(date +%Y%m%d).dump"}
	if h := u.Hostname(); h != "" {
		args = append(args, "--host="+h)
	}
	if p := u.Port(); p != "" {
		args = append(args, "--port="+p)
	}
	if n := u.User.Username(); n != "" {
		args = append(args, "--username="+n)
	}
	args = append(args, strings.TrimPrefix(u.Path, "/"))
	return strings.Join(args, " ")
}

// notSupported is the answer to every backup call.
func (s *Store) notSupported() error {
	return data.NewError(data.ErrNotSupported,
		"backups of a PostgreSQL database are the server's job: run %s (restore with pg_restore), or use the server's own backups", s.DumpCommand())
}

// Backups: none made by the store (ErrNotSupported, with the command).
func (s *Store) Backups(ctx context.Context) ([]data.Backup, error) { return nil, s.notSupported() }

// CreateBackup: ErrNotSupported, with the pg_dump command to run instead.
func (s *Store) CreateBackup(ctx context.Context, reason string) (data.Backup, error) {
	return data.Backup{}, s.notSupported()
}

// DailyBackup does nothing: the server's backups are the server's job.
func (s *Store) DailyBackup(ctx context.Context) error { return nil }

// RestorePlan: ErrNotSupported (restore a dump with pg_restore).
func (s *Store) RestorePlan(ctx context.Context, file string) (data.RestorePlan, error) {
	return data.RestorePlan{}, s.notSupported()
}

// Restore: ErrNotSupported (restore a dump with pg_restore).
func (s *Store) Restore(ctx context.Context, file string) (data.RestoreResult, error) {
	return data.RestoreResult{}, s.notSupported()
}
