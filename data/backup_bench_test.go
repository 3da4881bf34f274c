package data_test

import (
	"context"
	"testing"

	"topupcards/data"
)

// BenchmarkBackup1M measures backups of the million-card fixture: making
// one (VACUUM INTO, quick check, checksum, fsync, rename), listing, the
// restore plan (checksum, quick check, comparison) and a restore (which
// backs up the current state first). Run it with
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
	b.Run("restore", func(b *testing.B) {
		for range b.N {
			if _, err := s.Restore(ctx, last.Path); err != nil {
				b.Fatal(err)
			}
		}
	})
}
