package postgres_test

import (
	"context"
	"testing"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
	"topupcards/data/storetest"
)

// openFresh opens a store on a new, empty database of the test server.
func openFresh(t *testing.T) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the store suite every backend passes.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) data.Store { return openFresh(t) })
}
