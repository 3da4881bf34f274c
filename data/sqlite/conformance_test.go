package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
	"topupcards/data/storetest"
)

// TestConformance runs the store suite every backend passes.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) data.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cards.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
