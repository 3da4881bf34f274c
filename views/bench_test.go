package views

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"topupcards/data"
	"topupcards/data/sqlite"
)

var (
	millionOnce sync.Once
	millionPath string
	millionErr  error
)

// millionFile makes (once per test process) a file with a million cards.
func millionFile(b *testing.B) string {
	b.Helper()
	millionOnce.Do(func() {
		dir, err := os.MkdirTemp("", "topupcards-views-bench-")
		if err != nil {
			millionErr = err
			return
		}
		millionPath = filepath.Join(dir, "cards.db")
		s, err := sqlite.Open(context.Background(), millionPath)
		if err != nil {
			millionErr = err
			return
		}
		defer s.Close()
		for i, series := range []string{"3", "2"} {
			_, err := s.Generate(context.Background(), data.GenerateParams{Amount: int64(800 * (i + 1)), Quantity: 500_000, Series: series}, nil)
			if err != nil {
				millionErr = err
				return
			}
		}
	})
	if millionErr != nil {
		b.Fatal(millionErr)
	}
	return millionPath
}

// BenchmarkOpenMillionFirstScreen: what the window shows first on a
// million-card file: open the store, count the cards and read the first
// page of rows.
func BenchmarkOpenMillionFirstScreen(b *testing.B) {
	path := millionFile(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		n, err := s.Count(ctx, data.Filter{})
		if err != nil || n != 1_000_000 {
			b.Fatalf("%d cards, %v", n, err)
		}
		if page, _, err := s.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, pageSize); err != nil || len(page) != pageSize {
			b.Fatalf("%d rows, %v", len(page), err)
		}
		s.Close()
	}
}

// BenchmarkOpenMillionAndFirstPage: all the window does at start on a
// million-card file: open the store, count, show the first page, read the
// ordered ids of all cards, and add up the totals for the footer.
func BenchmarkOpenMillionAndFirstPage(b *testing.B) {
	path := millionFile(b)
	test.NewTempApp(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		tbl := NewCardTable(s, &Tasks{})
		if err := tbl.Load(ctx, data.Filter{}, data.Sort{}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Summarize(ctx, data.Filter{}); err != nil {
			b.Fatal(err)
		}
		if tbl.Rows() != 1_000_000 {
			b.Fatalf("%d rows", tbl.Rows())
		}
		s.Close()
	}
}

// BenchmarkTablePageFetch: reading one page of rows for the table by id,
// deep in a million cards (what scrolling to row 500,000 costs in disk work;
// drawing is the GPU driver's and not measured here).
func BenchmarkTablePageFetch(b *testing.B) {
	path := millionFile(b)
	test.NewTempApp(b)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tbl := NewCardTable(s, &Tasks{})
	if err := tbl.Load(ctx, data.Filter{}, data.Sort{}); err != nil {
		b.Fatal(err)
	}
	ids := pageIDs(tbl.ids, 5000) // rows 500,000 to 500,099
	b.ResetTimer()
	for b.Loop() {
		cards, err := s.CardsByID(ctx, ids)
		if err != nil || len(cards) != pageSize {
			b.Fatalf("%d cards, %v", len(cards), err)
		}
	}
}
