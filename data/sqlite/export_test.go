package sqlite

import (
	"context"
	"database/sql"
)

// Check waits for the integrity check and returns its verdict (tests only:
// the program meets it at its first write).
func (s *Store) Check(ctx context.Context) error { return s.writable(ctx) }

// PretendRemote makes Open take every folder for a network file system of
// kind (the test machine mounts none), until the test ends.
func PretendRemote(t interface{ Cleanup(func()) }, kind string) {
	old := remoteFS
	remoteFS = func(string) string { return kind }
	t.Cleanup(func() { remoteFS = old })
}

// DB is the store's pool, for tests and benchmarks that look under the
// store or change the file as another program would.
func (s *Store) DB() *sql.DB { return s.db }
