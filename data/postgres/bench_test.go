package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	neturl "net/url"
	"os"
	"sync"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
)

// The million-card benchmarks, as data/sqlite's (the same batches, the same
// searches), on the test server:
//
//	scripts/pgtest.sh go test -run '^$' -bench Search ./data/postgres

const benchCards = 1_000_000

var benchFixture struct {
	once    sync.Once
	err     error
	store   *postgres.Store
	batches []data.Batch
	pin     string
}

// benchStore returns the million-card fixture on a database of the test
// server, building it on first use (about a minute).
func benchStore(b *testing.B) *postgres.Store {
	b.Helper()
	benchFixture.once.Do(func() {
		// Not dropped at the end of the first benchmark (the server is
		// thrown away after the run).
		admin := pgtest.AdminURL(b)
		db, err := sql.Open("pgx", admin)
		if err != nil {
			benchFixture.err = err
			return
		}
		defer db.Close()
		db.Exec("DROP DATABASE IF EXISTS topupcards_bench WITH (FORCE)")
		if _, err := db.Exec("CREATE DATABASE topupcards_bench TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
			benchFixture.err = err
			return
		}
		u, _ := neturl.Parse(admin)
		u.Path = "/topupcards_bench"
		start := time.Now()
		benchFixture.err = benchBuild(context.Background(), u.String())
		fmt.Fprintf(os.Stderr, "bench: built the %d-card fixture in %s\n", benchCards, time.Since(start).Round(time.Second))
	})
	if benchFixture.err != nil {
		b.Fatalf("million-card fixture: %v", benchFixture.err)
	}
	return benchFixture.store
}

func benchBuild(ctx context.Context, url string) error {
	s, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	benchFixture.store = s
	now := s.Now()
	for _, name := range []string{"North Telecom", "South Mobile", "East Kiosk", "West Shop"} {
		if _, err := s.AddReseller(ctx, name); err != nil {
			return err
		}
	}
	day := 24 * time.Hour
	for _, p := range []data.GenerateParams{
		{Amount: 500, Quantity: 400_000, Series: "A", Reseller: "North Telecom"},
		{Amount: 1000, Quantity: 300_000, Series: "B", Reseller: "South Mobile", ExpiresAt: now.Add(365 * day)},
		{Amount: 2000, Currency: "EUR", Quantity: 200_000, Series: "C", Reseller: "East Kiosk", ExpiresAt: now.Add(730 * day)},
		{Amount: 5000, Quantity: 90_000, Series: "D", ExpiresAt: now.Add(30 * day)},
		{Amount: 10000, Quantity: 10_000, Series: "E", Reseller: "West Shop", ExpiresAt: now.Add(90 * day), CheckDigit: true, PINLength: 14},
	} {
		if _, err := s.Generate(ctx, p, nil); err != nil {
			return err
		}
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{
		// A fifth redeemed over the last year by a few thousand clients.
		`UPDATE cards SET activated_at = $1 - (id * 7919) % 31536000,
			activated_by = CASE id % 4 WHEN 0 THEN 'Rose Orig' WHEN 1 THEN 'Ali Ben Salah'
				WHEN 2 THEN 'Jürgen Öztürk' ELSE 'Mary Ann Lee' END || ' ' || (id % 1000)
			WHERE id % 5 = 0`,
		// 1% blocked (lost or stolen), 2% expired.
		`UPDATE cards SET blocked = 1 WHERE id % 100 = 1 AND $1 > 0`,
		`UPDATE cards SET expires_at = $1 - 86400 * (1 + id % 30) WHERE id % 50 = 3`,
	} {
		if _, err := db.ExecContext(ctx, q, now.Unix()); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return err
	}
	if benchFixture.batches, err = s.Batches(ctx); err != nil {
		return err
	}
	return db.QueryRowContext(ctx, "SELECT pin FROM cards WHERE id = $1", benchCards/3).Scan(&benchFixture.pin)
}

// benchFilters are the searches the window offers (as data/sqlite's).
func benchFilters(b *testing.B) []struct {
	name string
	f    data.Filter
} {
	now := time.Now()
	// Search bounds are in data.BoundDigits decimals (a face value in any
	// currency): v minor units of a two-decimal currency.
	amt := func(v int64) *int64 { v *= 100; return &v }
	ser := func(s string, upper bool) *data.Serial {
		v, err := data.ParseSerial(s, upper)
		if err != nil {
			b.Fatal(err)
		}
		return &v
	}
	batch := benchFixture.batches[len(benchFixture.batches)/2].ID
	return []struct {
		name string
		f    data.Filter
	}{
		{"none", data.Filter{}},
		{"status=new", data.Filter{Status: data.StatusNew}},
		{"status=activated", data.Filter{Status: data.StatusActivated}},
		{"status=expired", data.Filter{Status: data.StatusExpired}},
		{"status=blocked", data.Filter{Status: data.StatusBlocked}},
		{"reseller", data.Filter{Reseller: "South Mobile"}},
		{"amount_range", data.Filter{AmountFrom: amt(1000), AmountTo: amt(2000)}},
		{"amount_broad", data.Filter{AmountFrom: amt(100), AmountTo: amt(100000)}},
		{"expiry_broad", data.Filter{ExpiryFrom: now.Add(-3650 * 24 * time.Hour), ExpiryTo: now.Add(3650 * 24 * time.Hour)}},
		{"status=new+amount_broad", data.Filter{Status: data.StatusNew, AmountFrom: amt(100), AmountTo: amt(100000)}},
		{"serial_range", data.Filter{SerialFrom: ser("B-100000", false), SerialTo: ser("B-199999", true)}},
		{"expiry_range", data.Filter{ExpiryFrom: now.Add(300 * 24 * time.Hour), ExpiryTo: now.Add(400 * 24 * time.Hour)}},
		{"client", data.Filter{Client: "rose"}},
		{"activated_range", data.Filter{ActivatedFrom: now.Add(-30 * 24 * time.Hour), ActivatedTo: now}},
		{"batch", data.Filter{Batch: batch}},
		{"pin", data.Filter{PIN: benchFixture.pin}},
		{"reseller+status+amount", data.Filter{Reseller: "North Telecom", Status: data.StatusNew, AmountFrom: amt(100), AmountTo: amt(900)}},
	}
}

// BenchmarkSearch is what the window shows first for one search: the count
// and the first page in serial order. The aim: under 100 ms on a million
// cards, as with SQLite.
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bf := range benchFilters(b) {
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Count(ctx, bf.f); err != nil {
					b.Fatal(err)
				}
				if _, _, err := s.Page(ctx, bf.f, data.Sort{}, data.Cursor{}, 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRedeem is one redemption at the counter on the million cards.
func BenchmarkRedeem(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids, err := s.IDs(ctx, data.Filter{Status: data.StatusNew, Batch: benchFixture.batches[4].ID}, data.Sort{})
	if err != nil {
		b.Fatal(err)
	}
	cards, err := s.CardsByID(ctx, ids[:min(len(ids), 5000)])
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := s.Redeem(ctx, cards[i%len(cards)].PIN, "Bench"); err != nil && i < len(cards) {
			b.Fatal(err)
		}
		i++
	}
}
