package sqlite

import (
	"fmt"
	"path/filepath"
)

// A SQLite file on a network file system is the mistake this guards
// against: SQLite's locks are unreliable there and its WAL mode needs
// memory shared between the processes, which machines do not share, so two
// desks on one file can corrupt it or redeem one card twice. Open says so
// plainly and opens such a file in rollback-journal mode, never WAL; the
// answer for several desks is a PostgreSQL server.

// remoteFS names the network file system a folder lies on, or "" (fsKind
// of this system; tests replace it).
var remoteFS = fsKind

// remoteWarning says why the file at path must not be shared, or "" when
// it lies on a local disk (or the file system cannot be told).
func remoteWarning(path string) string {
	kind := remoteFS(filepath.Dir(path))
	if kind == "" {
		return ""
	}
	return fmt.Sprintf("%s lies on a network file system (%s): SQLite's file locks are not reliable there, "+
		"and two desks using it at once can damage it or redeem one card twice. It is opened without WAL "+
		"(slower) and should be used by one desk at a time. For several desks, move the cards to a PostgreSQL "+
		"server: topupcards migrate --from %s --to postgres://USER@HOST:5432/DBNAME (see the README, Several desks)",
		path, kind, path)
}
