package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"topupcards/data/sqlite"
)

// A file on a network file system: Open says so plainly, points to
// PostgreSQL, and the file is not in WAL mode. A local file: no warning,
// WAL.
func TestNetworkFileSystem(t *testing.T) {
	ctx := context.Background()
	local, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "local.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	if len(local.Warnings()) != 0 || journalMode(t, local) != "wal" {
		t.Errorf("a local file: warnings %q, journal %s; want none and WAL", local.Warnings(), journalMode(t, local))
	}

	sqlite.PretendRemote(t, "NFS")
	path := filepath.Join(t.TempDir(), "shared.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{path, "network file system (NFS)", "PostgreSQL", "topupcards migrate --from " + path} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q does not say %q", w, want)
		}
	}
	if m := journalMode(t, s); m != "delete" {
		t.Errorf("journal mode on a network file system: %s, want delete (never WAL)", m)
	}
}

func journalMode(t *testing.T, s *sqlite.Store) string {
	t.Helper()
	var m string
	if err := s.DB().QueryRow("PRAGMA journal_mode").Scan(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
