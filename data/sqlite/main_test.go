package sqlite_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps what the store remembers in the user's cache folder (the
// files it checked, see integrity.go) inside a temporary folder.
//
// A subprocess of a test (the same binary run again) keeps its parent's.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "topupcards-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
