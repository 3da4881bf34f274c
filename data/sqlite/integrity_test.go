package sqlite_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
)

func sha(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// damagedCopy makes a closed database of a few hundred cards and returns
// its path and its page size.
func damagedCopy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3000, Series: "3"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("closing left %s", suffix)
		}
	}
	return path
}

// Issue 9, row 7: a file cut short inside its last page, or with a page
// overwritten, is found damaged before any write; every write is refused
// with what to do, and the file stays byte-identical.
func TestDamagedDatabaseIsNeverWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, damage := range []struct {
		name string
		do   func(t *testing.T, path string)
	}{
		{"truncated inside the last page", func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			if err := os.Truncate(path, st.Size()-100); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated by whole pages", func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			if err := os.Truncate(path, st.Size()-3*4096); err != nil {
				t.Fatal(err)
			}
		}},
		{"a page in the middle overwritten", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			junk := make([]byte, 4096)
			for i := range junk {
				junk[i] = byte(i*7 + 3)
			}
			if _, err := f.WriteAt(junk, (st.Size()/4096/2)*4096); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(damage.name, func(t *testing.T) {
			t.Parallel()
			path := damagedCopy(t)
			damage.do(t, path)
			before := sha(t, path)
			s, err := sqlite.Open(ctx, path)
			if err == nil {
				_, err = s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 5, Series: "X"}, nil)
				if err == nil {
					t.Error("a batch was generated into a damaged file")
				}
				if _, rerr := s.AddReseller(ctx, "Acme"); rerr == nil {
					t.Error("a reseller was added to a damaged file")
				}
				s.Close()
			}
			if !errors.Is(err, data.ErrDamaged) || !strings.Contains(err.Error(), "restore the newest backup") {
				t.Errorf("writing into a damaged file: %v; want it refused as damaged, saying what to do", err)
			}
			if sha(t, path) != before {
				t.Error("the damaged file was changed")
			}
		})
	}
}

// A file checked once is remembered: the next open skips the full check,
// and a change by another program makes it check again.
func TestCleanCheckRemembered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := damagedCopy(t)
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Overwrite a page without changing size or time: still remembered as
	// clean (the record is by identity, so this shows it is used)...
	st, _ := os.Stat(path)
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt(make([]byte, 4096), (st.Size()/4096/2)*4096)
	f.Close()
	os.Chtimes(path, st.ModTime(), st.ModTime())
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("a remembered file was checked again: %v", err)
	}
	s.Close()
	// ...and a new modification time makes the store check it again.
	os.Chtimes(path, st.ModTime(), st.ModTime().Add(1e9))
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); !errors.Is(err, data.ErrDamaged) {
		t.Errorf("a changed file was not checked again: %v", err)
	}
	s.Close()
}

// Issue 9, row 8: opening and reading never wait for a writer in another
// process (a million cards being generated holds the write lock for long):
// the schema is only locked when it must be migrated.
func TestReadersDoNotWaitForAWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 10, Series: "3"})
	s.Close()
	cmd, _, out := helper(t, "generate", path, "100000")
	if l := readLine(t, out, "generate"); !strings.HasPrefix(l, "progress") {
		t.Fatalf("helper: %q", l)
	}
	// The writer holds the lock now. Open, count, list and read the
	// history while it does.
	ctx := context.Background()
	r, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := r.Count(ctx, data.Filter{})
	if err != nil || n != 10 {
		t.Fatalf("count while another process generates: %d, %v", n, err)
	}
	if _, err := r.History(ctx, 10); err != nil {
		t.Fatal(err)
	}
	r.Close()
	// The count of 10 shows the reads ran while the batch was uncommitted;
	// now let it finish.
	for {
		l := readLine(t, out, "generate")
		if strings.HasPrefix(l, "generated") {
			if l != "generated: <nil>" {
				t.Fatalf("helper: %q", l)
			}
			break
		}
	}
	cmd.Wait()
}
