package sqlite_test

import (
	"context"
	"testing"

	"topupcards/data"
)

// BenchmarkBackup1M measures backups of the million-card fixture: making
// one (VACUUM INTO, quick check, checksum, fsync, rename), listing, the
// restore plan (checksum, quick check, comparison), and restores (each backs
// up the current state first, then writes only the cards that differ):
// of an unchanged database, after 30,000 changes, and after every card was
// deleted. Run it with
//
//	go test ./data -run '^$' -bench Backup1M -benchtime 1x
func BenchmarkBackup1M(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var last data.Backup
	b.Run("create", func(b *testing.B) {
		for range b.N {
			bk, err := s.CreateBackup(ctx, data.BackupManual)
			if err != nil {
				b.Fatal(err)
			}
			last = bk
		}
		b.ReportMetric(float64(last.Size)/1e6, "MB")
	})
	if last.Path == "" {
		return
	}
	b.Run("list", func(b *testing.B) {
		for range b.N {
			if _, err := s.Backups(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plan", func(b *testing.B) {
		for range b.N {
			if _, err := s.RestorePlan(ctx, last.Path); err != nil {
				b.Fatal(err)
			}
		}
	})
	restore := func(b *testing.B, change func(b *testing.B)) {
		for range b.N {
			b.StopTimer()
			change(b)
			b.StartTimer()
			if _, err := s.Restore(ctx, last.Path); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("restore-unchanged", func(b *testing.B) { restore(b, func(*testing.B) {}) })
	// 10,000 cards blocked, 10,000 deleted and 10,000 made since the backup.
	b.Run("restore-30k-changes", func(b *testing.B) {
		restore(b, func(b *testing.B) {
			for _, q := range []string{"UPDATE cards SET blocked = 1 WHERE id <= 10000",
				"DELETE FROM cards WHERE id BETWEEN 500001 AND 510000"} {
				if _, err := s.DB().ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 10_000, Series: "RB"}, nil); err != nil {
				b.Fatal(err)
			}
		})
	})
	// Every card deleted since the backup: all of them are written again.
	b.Run("restore-after-delete-all", func(b *testing.B) {
		restore(b, func(b *testing.B) {
			if _, err := s.DB().ExecContext(ctx, "DELETE FROM cards"); err != nil {
				b.Fatal(err)
			}
		})
	})
}
