package sqlite_test

// Benchmarks of the store on a million cards. Run them with
//
//	go test ./data/ -run '^$' -bench . -benchtime 1x
//
// The generation benchmarks make a fresh million-card file per iteration.
// The search benchmarks share one million-card fixture that is built the
// first time one of them runs (so `go test ./data/` without -bench stays
// fast); set TOPUPCARDS_BENCH_DIR to keep the fixture in that folder and
// reuse it across runs.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// benchCards is how many cards the fixture and the generation benchmarks make.
const benchCards = 1_000_000

// benchFixtureVersion changes whenever benchBuildFixture makes a different
// fixture, so that a kept fixture (TOPUPCARDS_BENCH_DIR) is rebuilt.
const benchFixtureVersion = 1

// benchPageSize is the page the window's table loads at a time.
const benchPageSize = 100

// benchFixture is the shared million-card database.
var benchFixture struct {
	once  sync.Once
	err   error
	path  string
	store *sqlite.Store
	// What the filters of the benchmarks select.
	batches []data.Batch
	pin     string // the PIN of one card
}

// benchStore returns the million-card fixture, building it on first use.
// It is built outside every benchmark's timer: call it before b.ResetTimer
// or b.Run.
func benchStore(b *testing.B) *sqlite.Store {
	b.Helper()
	benchFixture.once.Do(func() {
		benchFixture.err = benchOpenFixture()
	})
	if benchFixture.err != nil {
		b.Fatalf("million-card fixture: %v", benchFixture.err)
	}
	return benchFixture.store
}

func benchOpenFixture() error {
	ctx := context.Background()
	dir := os.Getenv("TOPUPCARDS_BENCH_DIR")
	if dir == "" {
		benchRemoveStaleFixtures()
		var err error
		dir, err = os.MkdirTemp("", fmt.Sprintf("topupcards-bench-%d-", os.Getpid()))
		if err != nil {
			return err
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, fmt.Sprintf("fixture-v%d.db", benchFixtureVersion))
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	benchFixture.path, benchFixture.store = path, s
	n, err := s.Count(ctx, data.Filter{})
	if err != nil {
		return err
	}
	if n == 0 {
		start := time.Now()
		if err := benchBuildFixture(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: built the %d-card fixture %s in %s\n", benchCards, path, time.Since(start).Round(time.Second))
	}
	if benchFixture.batches, err = s.Batches(ctx); err != nil {
		return err
	}
	return s.DB().QueryRowContext(ctx, "SELECT pin FROM cards WHERE id = ?", benchCards/3).Scan(&benchFixture.pin)
}

// benchRemoveStaleFixtures removes the fixtures that earlier `go test`
// processes left in the temporary folder (there is no hook at the end of a
// test binary short of TestMain, which the package's tests may want).
func benchRemoveStaleFixtures() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "topupcards-bench-*"))
	for _, d := range dirs {
		f := strings.SplitN(filepath.Base(d), "-", 4)
		if len(f) < 3 {
			continue
		}
		pid, err := strconv.Atoi(f[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && p.Signal(syscall.Signal(0)) == nil {
			continue // that test process still runs
		}
		os.RemoveAll(d)
	}
}

// benchBuildFixture fills s with a million cards in five batches of
// different amounts, currencies, series, resellers and expiries, then
// redeems a fifth of them, blocks 1% and lets 2% expire (with SQL updates in
// one transaction: a million Redeem calls would take long), and refreshes
// the planner's statistics.
func benchBuildFixture(ctx context.Context, s *sqlite.Store) error {
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
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		// A fifth redeemed over the last year by a few thousand clients.
		`UPDATE cards SET activated_at = ?1 - (id * 7919) % 31536000,
			activated_by = CASE id % 4 WHEN 0 THEN 'Rose Orig' WHEN 1 THEN 'Ali Ben Salah'
				WHEN 2 THEN 'Jürgen Öztürk' ELSE 'Mary Ann Lee' END || ' ' || (id % 1000)
			WHERE id % 5 = 0`,
		// 1% blocked (lost or stolen), 2% expired.
		`UPDATE cards SET blocked = 1 WHERE id % 100 = 1`,
		`UPDATE cards SET expires_at = ?1 - 86400 * (1 + id % 30) WHERE id % 50 = 3`,
	} {
		if _, err := tx.ExecContext(ctx, q, now.Unix()); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, q := range []string{"ANALYZE", "PRAGMA optimize", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// benchFilter is one search of the benchmarks.
type benchFilter struct {
	name string
	f    data.Filter
}

// benchFilters are the searches the window offers, each on the fixture.
func benchFilters(b *testing.B) []benchFilter {
	b.Helper()
	now := time.Now()
	amt := func(v int64) *int64 { v *= 100; return &v } // hundredths of a major unit, as bounds
	ser := func(s string, upper bool) *data.Serial {
		v, err := data.ParseSerial(s, upper)
		if err != nil {
			b.Fatal(err)
		}
		return &v
	}
	batch := benchFixture.batches[len(benchFixture.batches)/2].ID
	return []benchFilter{
		{"none", data.Filter{}},
		{"status=new", data.Filter{Status: data.StatusNew}},
		{"status=activated", data.Filter{Status: data.StatusActivated}},
		{"status=expired", data.Filter{Status: data.StatusExpired}},
		{"status=blocked", data.Filter{Status: data.StatusBlocked}},
		{"reseller", data.Filter{Reseller: "South Mobile"}},
		{"amount_range", data.Filter{AmountFrom: amt(1000), AmountTo: amt(2000)}},
		// Broad searches match (nearly) every card: the count walks them
		// all, the first page must not sort them all.
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

// BenchmarkCount counts the cards each search matches.
func BenchmarkCount(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bf := range benchFilters(b) {
		b.Run(bf.name, func(b *testing.B) {
			var n int64
			for b.Loop() {
				var err error
				if n, err = s.Count(ctx, bf.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "cards")
		})
	}
}

// BenchmarkSearch is what the window shows first for one search: the count
// and the first page of the table, in serial order (the totals per currency
// follow on their own: BenchmarkSummarize). The aim is under 100 ms for
// every search on a million cards.
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bf := range benchFilters(b) {
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Count(ctx, bf.f); err != nil {
					b.Fatal(err)
				}
				if _, _, err := s.Page(ctx, bf.f, data.Sort{}, data.Cursor{}, benchPageSize); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSummarize counts and totals per currency (the window's footer).
func BenchmarkSummarize(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bf := range benchFilters(b) {
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Summarize(ctx, bf.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFirstPage loads the first page of each search in serial order.
func BenchmarkFirstPage(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bf := range benchFilters(b) {
		b.Run(bf.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				page, _, err := s.Page(ctx, bf.f, data.Sort{}, data.Cursor{}, benchPageSize)
				if err != nil {
					b.Fatal(err)
				}
				n = len(page)
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// BenchmarkSort loads the first page of all cards in each column's order.
func BenchmarkSort(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, col := range data.Columns {
		for _, desc := range []bool{false, true} {
			name := string(col) + "/asc"
			if desc {
				name = string(col) + "/desc"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.Page(ctx, data.Filter{}, data.Sort{Column: col, Desc: desc}, data.Cursor{}, benchPageSize); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPageMiddle loads the page at depth 500,000 of all cards, for
// each sort order: keyset paging seeks to it instead of stepping over the
// rows before it.
func BenchmarkPageMiddle(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, col := range data.Columns {
		b.Run(string(col), func(b *testing.B) {
			o := data.Sort{Column: col}
			// The cursor of row 500,000, found outside the timer.
			_, cur, err := s.Page(ctx, data.Filter{}, o, data.Cursor{}, benchCards/2)
			if err != nil {
				b.Fatal(err)
			}
			var first data.Card
			for b.Loop() {
				page, _, err := s.Page(ctx, data.Filter{}, o, cur, benchPageSize)
				if err != nil {
					b.Fatal(err)
				}
				if len(page) != benchPageSize {
					b.Fatalf("page at 500,000 has %d rows, want %d", len(page), benchPageSize)
				}
				first = page[0]
			}
			if first.ID == cur.ID {
				b.Fatalf("the page repeats the cursor's card %d", cur.ID)
			}
		})
	}
}

// BenchmarkIDs loads the ids of every card a search matches, in order: the
// window runs it for every search and sort (then loads the visible rows
// with CardsByID). BenchmarkIDs/filter=none is all million cards.
func BenchmarkIDs(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	run := func(name string, f data.Filter, o data.Sort) {
		b.Run(name, func(b *testing.B) {
			var n int
			for b.Loop() {
				ids, err := s.IDs(ctx, f, o)
				if err != nil {
					b.Fatal(err)
				}
				n = len(ids)
			}
			b.ReportMetric(float64(n), "ids")
		})
	}
	for _, bf := range benchFilters(b) {
		run("filter="+bf.name, bf.f, data.Sort{})
	}
	for _, col := range data.Columns {
		run("sort="+string(col), data.Filter{}, data.Sort{Column: col})
	}
}

// BenchmarkCardsByID loads one screenful of rows by id, from the middle of
// the million in serial order, as the window's table does when scrolled.
func BenchmarkCardsByID(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids, err := s.IDs(ctx, data.Filter{}, data.Sort{})
	if err != nil {
		b.Fatal(err)
	}
	page := ids[len(ids)/2 : len(ids)/2+benchPageSize]
	for b.Loop() {
		cards, err := s.CardsByID(ctx, page)
		if err != nil {
			b.Fatal(err)
		}
		if len(cards) != len(page) {
			b.Fatalf("%d cards for %d ids", len(cards), len(page))
		}
	}
}

// BenchmarkRedeem redeems one card per op, each a card not redeemed yet.
func BenchmarkRedeem(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	// Enough fresh PINs for any b.N the benchmark asks for.
	rows, err := s.DB().QueryContext(ctx, `SELECT pin FROM cards WHERE activated_at IS NULL AND blocked = 0
		AND expires_at IS NULL ORDER BY id DESC LIMIT 200000`)
	if err != nil {
		b.Fatal(err)
	}
	var pins []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			b.Fatal(err)
		}
		pins = append(pins, p)
	}
	if err := rows.Close(); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if i >= len(pins) {
			b.Fatal("out of fresh PINs")
		}
		if _, err := s.Redeem(ctx, pins[i], "Bench Client"); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOpen opens the million-card file and loads the first page, as
// the window does on start.
func BenchmarkOpen(b *testing.B) {
	benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		s, err := sqlite.Open(ctx, benchFixture.path)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, benchPageSize); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate1M generates a million 12-digit-PIN cards into a fresh file.
func BenchmarkGenerate1M(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := benchFreshStore(b)
		b.StartTimer()
		if _, err := s.Generate(context.Background(), benchGenParams(), nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		benchDiscard(b, s)
		b.StartTimer()
	}
}

// BenchmarkBareInsert1M inserts the same kind of million rows with a bare
// prepared INSERT in one transaction, PINs and values made beforehand: the
// floor Generate is measured against.
func BenchmarkBareInsert1M(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := benchFreshStore(b)
		rows := benchRows(b)
		b.StartTimer()
		benchBareInsert(b, s, rows)
		b.StopTimer()
		benchDiscard(b, s)
		b.StartTimer()
	}
}

// BenchmarkGenerateVsBareInsert measures both in the same run and reports
// the ratio (x-bare; the aim is at most 1.5).
func BenchmarkGenerateVsBareInsert(b *testing.B) {
	var gen, bare time.Duration
	for b.Loop() {
		s := benchFreshStore(b)
		start := time.Now()
		if _, err := s.Generate(context.Background(), benchGenParams(), nil); err != nil {
			b.Fatal(err)
		}
		gen += time.Since(start)
		benchDiscard(b, s)

		s = benchFreshStore(b)
		rows := benchRows(b)
		start = time.Now()
		benchBareInsert(b, s, rows)
		bare += time.Since(start)
		benchDiscard(b, s)
	}
	b.ReportMetric(gen.Seconds()/float64(b.N), "gen-s")
	b.ReportMetric(bare.Seconds()/float64(b.N), "bare-s")
	b.ReportMetric(gen.Seconds()/bare.Seconds(), "x-bare")
}

func benchGenParams() data.GenerateParams {
	return data.GenerateParams{Amount: 800, Quantity: benchCards, Series: "G"}
}

// benchFreshStore opens a new, empty store in its own folder.
func benchFreshStore(b *testing.B) *sqlite.Store {
	b.Helper()
	dir, err := os.MkdirTemp(b.TempDir(), "gen-")
	if err != nil {
		b.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "cards.db"))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// benchDiscard closes s and removes its files, so that a run of several
// iterations does not fill the disk.
func benchDiscard(b *testing.B, s *sqlite.Store) {
	b.Helper()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(s.Path())); err != nil {
		b.Fatal(err)
	}
}

// benchRow is one card row as Generate would insert it.
type benchRow struct {
	number int64
	pin    string
}

// benchRows makes a million distinct random 12-digit PINs with serial numbers.
func benchRows(b *testing.B) []benchRow {
	b.Helper()
	rows := make([]benchRow, 0, benchCards)
	seen := make(map[uint64]bool, benchCards)
	var buf [8]byte
	for len(rows) < benchCards {
		if _, err := rand.Read(buf[:]); err != nil {
			b.Fatal(err)
		}
		v := binary.LittleEndian.Uint64(buf[:]) % 1_000_000_000_000 // a tiny bias is fine here
		if seen[v] {
			continue
		}
		seen[v] = true
		rows = append(rows, benchRow{number: int64(len(rows) + 1), pin: fmt.Sprintf("%012d", v)})
	}
	return rows
}

// benchBareInsert inserts rows into s's schema with one prepared statement
// in one transaction, after the batch row the cards refer to.
func benchBareInsert(b *testing.B, s *sqlite.Store, rows []benchRow) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().Unix()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO batches (series, first_number, quantity, amount, currency,
		pin_length, check_digit, reseller, expires_at, created_at) VALUES ('G', 1, ?, 800, 'USD', 12, 0, '', NULL, ?)`,
		len(rows), now)
	if err != nil {
		b.Fatal(err)
	}
	batch, _ := res.LastInsertId()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO cards (series, number, pin, amount, currency, reseller_id,
		batch_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	var null sql.NullInt64
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, "G", r.number, r.pin, 800, "USD", null, batch, null, now); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCoveredIndexes weighs dropping the indexes that a longer one
// covers (cards_reseller by cards_reseller_serial, cards_batch by
// cards_batch_serial): generation of 300,000 cards of a reseller, and the
// count of a reseller's and of a batch's cards, with and without them, in
// one run so the ratios are fair on a loaded machine.
func BenchmarkCoveredIndexes(b *testing.B) {
	const n = 300_000
	ctx := context.Background()
	type result struct{ gen, reseller, batch time.Duration }
	run := func(drop bool) result {
		s := benchFreshStore(b)
		defer benchDiscard(b, s)
		if drop {
			for _, q := range []string{"DROP INDEX cards_reseller", "DROP INDEX cards_batch"} {
				if _, err := s.DB().ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		}
		for _, r := range []string{"North", "South"} {
			if _, err := s.AddReseller(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: n / 3, Series: "A", Reseller: "South"}, nil); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		batch, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: n, Series: "G", Reseller: "North"}, nil)
		if err != nil {
			b.Fatal(err)
		}
		var out result
		out.gen = time.Since(start)
		if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		count := func(f data.Filter) time.Duration {
			start := time.Now()
			for range 5 {
				if _, err := s.Count(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			return time.Since(start) / 5
		}
		out.reseller = count(data.Filter{Reseller: "North"})
		out.batch = count(data.Filter{Batch: batch.ID, Status: data.StatusNew})
		return out
	}
	var keep, drop result
	for b.Loop() {
		k, d := run(false), run(true)
		keep.gen += k.gen
		keep.reseller += k.reseller
		keep.batch += k.batch
		drop.gen += d.gen
		drop.reseller += d.reseller
		drop.batch += d.batch
	}
	b.ReportMetric(keep.gen.Seconds()/float64(b.N), "gen-keep-s")
	b.ReportMetric(drop.gen.Seconds()/float64(b.N), "gen-drop-s")
	b.ReportMetric(float64(keep.reseller.Milliseconds())/float64(b.N), "reseller-keep-ms")
	b.ReportMetric(float64(drop.reseller.Milliseconds())/float64(b.N), "reseller-drop-ms")
	b.ReportMetric(float64(keep.batch.Milliseconds())/float64(b.N), "batch-keep-ms")
	b.ReportMetric(float64(drop.batch.Milliseconds())/float64(b.N), "batch-drop-ms")
}
