package sqlite_test

import (
	"context"
	"testing"

	"topupcards/data"
)

// The undo journal's cost follows the change, not the file: benchmarks on
// the million-card fixture. Each iteration changes the fixture and puts it
// back (the put-back outside the timer), so the fixture stays as built.

// BenchmarkEditTwoCards is a 2-card mass edit with its journal (aim: under
// 50 ms on a million cards).
func BenchmarkEditTwoCards(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	f := data.Filter{SerialFrom: &data.Serial{Series: "B", Number: 1000}, SerialTo: &data.Serial{Series: "B", Number: 1001}}
	b.ResetTimer()
	for range b.N {
		res, err := s.MassEdit(ctx, f, data.Edit{Block: data.BlockSet})
		if err != nil || res.Cards != 2 {
			b.Fatalf("edit: %+v, %v", res, err)
		}
		b.StopTimer()
		if _, err := s.Undo(ctx, res.Op); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkUndoTwoCards is the undo of a 2-card mass edit.
func BenchmarkUndoTwoCards(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	f := data.Filter{SerialFrom: &data.Serial{Series: "B", Number: 1000}, SerialTo: &data.Serial{Series: "B", Number: 1001}}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		res, err := s.MassEdit(ctx, f, data.Edit{Block: data.BlockSet})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Undo(ctx, res.Op); err != nil {
			b.Fatal(err)
		}
	}
}

// bench100k is a serial range of 100,000 cards of the fixture.
var bench100k = data.Filter{SerialFrom: &data.Serial{Series: "A", Number: 100_001}, SerialTo: &data.Serial{Series: "A", Number: 200_000}}

// BenchmarkDelete100k deletes 100,000 cards of a million, keeping them in
// the journal (aim: under 5 s).
func BenchmarkDelete100k(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		res, err := s.Delete(ctx, bench100k)
		if err != nil || res.Cards != 100_000 {
			b.Fatalf("delete: %+v, %v", res, err)
		}
		b.StopTimer()
		if _, err := s.Undo(ctx, res.Op); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkUndoDelete100k brings 100,000 deleted cards back (aim: under
// 5 s).
func BenchmarkUndoDelete100k(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		res, err := s.Delete(ctx, bench100k)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		u, err := s.Undo(ctx, res.Op)
		if err != nil || u.Restored != 100_000 {
			b.Fatalf("undo: %+v, %v", u, err)
		}
	}
}
