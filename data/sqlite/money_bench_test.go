package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// BenchmarkAmountSearch compares, on the million-card fixture (USD and EUR:
// one scale), the amount search through the store (one bound for every
// currency, turned into a range of minor units by the file's one scale)
// with the single range of minor units it was before version 9, and with
// the check of each card's own scale that a file mixing JPY and USD needs,
// for the count and the first page in serial order.
func BenchmarkAmountSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	from, _ := data.ParseAmountBound("5")
	to, _ := data.ParseAmountBound("9")
	f := data.Filter{AmountFrom: &from, AmountTo: &to}
	want, err := s.Count(ctx, f)
	if err != nil {
		b.Fatal(err)
	}
	var old int64
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM cards c WHERE c.amount >= 500 AND c.amount <= 900`).Scan(&old); err != nil || old != want {
		b.Fatalf("the old condition counts %d (%v), the new %d", old, err, want)
	}
	cond, condArgs := data.AmountSQL(&from, &to, 0) // the check of each card's scale, as in a file of JPY and USD
	b.Run("count-sql/mixed-scales", func(b *testing.B) {
		for b.Loop() {
			var n int64
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM cards c WHERE `+cond, condArgs...).Scan(&n); err != nil || n != want {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("store-count/bounds", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Count(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("count-sql/single-range", func(b *testing.B) {
		for b.Loop() {
			var n int64
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM cards c WHERE c.amount >= 500 AND c.amount <= 900`).Scan(&n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first-page-sql/mixed-scales", func(b *testing.B) {
		for b.Loop() {
			rows, err := s.DB().QueryContext(ctx, `SELECT c.id FROM cards c WHERE `+cond+` ORDER BY c.series, c.number LIMIT 50`, condArgs...)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
	b.Run("store-first-page/bounds", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.Page(ctx, f, data.Sort{}, data.Cursor{}, 50); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first-page-sql/single-range", func(b *testing.B) {
		for b.Loop() {
			rows, err := s.DB().QueryContext(ctx, `SELECT c.id FROM cards c WHERE c.amount >= 500 AND c.amount <= 900
				ORDER BY c.series, c.number LIMIT 50`)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
}

// BenchmarkMigrateMinorUnits opens a version-7 file of 200,000 cards (half
// of them 5000.50 XOF, half 8.00 USD) and migrates it: the cost of version
// 9 on a large file, once.
func BenchmarkMigrateMinorUnits(b *testing.B) {
	const n = 200_000
	newStore(b) // registers the SQL functions migration 7 calls
	src := filepath.Join(b.TempDir(), "v7.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	files, _ := filepath.Glob(filepath.Join("migrations", "000[1234567]_*.sql"))
	for _, name := range files {
		q, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(string(q)); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", sqlite.ApplicationID), "PRAGMA user_version = 7",
		`INSERT INTO batches (id, series, first_number, quantity, amount, currency, pin_length, created_at) VALUES
			(1, 'X', 1, 100000, 500050, 'XOF', 12, 1767000000), (2, 'U', 1, 100000, 800, 'USD', 12, 1767000000)`,
		fmt.Sprintf(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)
			INSERT INTO cards (series, number, pin, amount, currency, batch_id, created_at)
			SELECT CASE i %% 2 WHEN 0 THEN 'X' ELSE 'U' END, (i + 1) / 2, printf('%%012d', 100000000000 + i),
				CASE i %% 2 WHEN 0 THEN 500050 ELSE 800 END, CASE i %% 2 WHEN 0 THEN 'XOF' ELSE 'USD' END,
				CASE i %% 2 WHEN 0 THEN 1 ELSE 2 END, 1767000000 FROM k`, n),
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	orig, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "cards.db")
		if err := os.WriteFile(path, orig, 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var rounded int64
		if err := s.DB().QueryRow(`SELECT count(*) FROM cards WHERE currency = 'XOF' AND amount = 5001`).Scan(&rounded); err != nil || rounded != n/2 {
			b.Fatalf("%d XOF cards rounded (%v)", rounded, err)
		}
		s.Close()
		b.StartTimer()
	}
}
