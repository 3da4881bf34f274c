package postgres_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
)

// helperEnv makes the test binary a desk: TestMain runs deskMain instead of
// the tests (see TestRedeemRaceProcesses).
const helperEnv = "TOPUPCARDS_PG_DESK"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(deskMain())
	}
	os.Exit(m.Run())
}

// deskMain is one desk process: it opens the database of $DESK_URL, waits
// until the file $DESK_GO exists (so that every desk starts at once), tries
// to redeem every PIN of $DESK_PINS and prints one line per PIN: "won PIN"
// or "lost PIN".
func deskMain() int {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("DESK_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer s.Close()
	for {
		if _, err := os.Stat(os.Getenv("DESK_GO")); err == nil {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	for _, pin := range strings.Fields(os.Getenv("DESK_PINS")) {
		_, err := s.Redeem(ctx, pin, "desk "+os.Getenv(helperEnv))
		switch {
		case err == nil:
			fmt.Println("won", pin)
		case errors.Is(err, data.ErrAlreadyRedeemed):
			fmt.Println("lost", pin)
		default:
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// secondDesk returns a connection string to the same database as rawURL
// through another login (a second desk's).
func secondDesk(t *testing.T, rawURL string) string {
	t.Helper()
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'desk_two') THEN
			CREATE ROLE desk_two LOGIN SUPERUSER PASSWORD 'two';
		END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	return pgtest.WithUser(rawURL, "desk_two", "two")
}

// 20 processes, half of them through a second connection string as a second
// desk, race to redeem each of 5 PINs: exactly one wins each.
func TestRedeemRaceProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	one := pgtest.NewDatabase(t)
	two := secondDesk(t, one)
	s, err := postgres.Open(context.Background(), one)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Generate(context.Background(), data.GenerateParams{Amount: 1000, Quantity: 5, Series: "R"}, nil); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.IDs(context.Background(), data.Filter{}, data.Sort{})
	cards, _ := s.CardsByID(context.Background(), ids)
	var pins []string
	for _, c := range cards {
		pins = append(pins, c.PIN)
	}
	start := filepath.Join(t.TempDir(), "go")
	type result struct {
		out string
		err error
	}
	results := make([]result, 20)
	var wg sync.WaitGroup
	for i := range 20 {
		url := one
		if i%2 == 1 {
			url = two
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+fmt.Sprint(i), "DESK_URL="+url, "DESK_GO="+start,
			"DESK_PINS="+strings.Join(pins, " "))
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := cmd.Wait()
			if err != nil {
				err = fmt.Errorf("%v: %s", err, errOut.String())
			}
			results[i] = result{out.String(), err}
		}()
	}
	time.Sleep(500 * time.Millisecond) // let every desk connect
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	wins := map[string][]int{}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("desk %d: %v", i, r.err)
		}
		sc := bufio.NewScanner(strings.NewReader(r.out))
		lines := 0
		for sc.Scan() {
			lines++
			if f := strings.Fields(sc.Text()); f[0] == "won" {
				wins[f[1]] = append(wins[f[1]], i)
			}
		}
		if lines != 5 {
			t.Errorf("desk %d answered %d of 5 PINs: %q", i, lines, r.out)
		}
	}
	for _, c := range cards {
		if len(wins[c.PIN]) != 1 {
			t.Errorf("card %s won by desks %v, want exactly one", c.Serial, wins[c.PIN])
		}
		got, err := s.Card(context.Background(), c.ID)
		if err != nil || got.ActivatedBy != fmt.Sprintf("desk %d", wins[c.PIN][0]) {
			t.Errorf("card %s activated by %q, want the winner desk %v (%v)", c.Serial, got.ActivatedBy, wins[c.PIN], err)
		}
	}
	n, _ := s.Count(context.Background(), data.Filter{Status: data.StatusActivated})
	if n != 5 {
		t.Errorf("%d activated cards, want 5", n)
	}
}

// Two desks generate 100,000 cards each of the same series at once: the
// serial ranges do not overlap, each batch has no gap, no PIN is given
// twice.
func TestConcurrentGeneration(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 200,000 cards")
	}
	one := pgtest.NewDatabase(t)
	two := secondDesk(t, one)
	ctx := context.Background()
	var stores [2]*postgres.Store
	for i, u := range []string{one, two} {
		s, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	const n = 100_000
	var batches [2]data.Batch
	var errs [2]error
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batches[i], errs[i] = s.Generate(ctx, data.GenerateParams{Amount: 500, Quantity: n, Series: "S"}, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("desk %d: %v", i+1, err)
		}
	}
	a, b := batches[0], batches[1]
	if a.FirstNumber > b.FirstNumber {
		a, b = b, a
	}
	if a.FirstNumber != 1 || b.FirstNumber != a.FirstNumber+n {
		t.Errorf("batches start at %d and %d, want 1 and %d", a.FirstNumber, b.FirstNumber, 1+n)
	}
	db, err := sql.Open("pgx", one)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, bt := range []data.Batch{a, b} {
		var count, lo, hi, distinct int64
		if err := db.QueryRow(`SELECT count(*), min(number), max(number), count(DISTINCT number) FROM cards WHERE batch_id = $1`,
			bt.ID).Scan(&count, &lo, &hi, &distinct); err != nil {
			t.Fatal(err)
		}
		if count != n || distinct != n || lo != bt.FirstNumber || hi != bt.FirstNumber+n-1 {
			t.Errorf("batch %d: %d cards (%d distinct numbers) from %d to %d, want %d from %d to %d without a gap",
				bt.ID, count, distinct, lo, hi, n, bt.FirstNumber, bt.FirstNumber+n-1)
		}
	}
	var cards, pins int64
	if err := db.QueryRow("SELECT count(*), count(DISTINCT pin) FROM cards").Scan(&cards, &pins); err != nil {
		t.Fatal(err)
	}
	if cards != 2*n || pins != 2*n {
		t.Errorf("%d cards with %d distinct PINs, want %d of each", cards, pins, 2*n)
	}
}

// A change at one desk reaches the other within a second: its Changes
// channel fires and its next read sees the change. A dropped listening
// connection says so and comes back.
func TestChangesReachOtherDesk(t *testing.T) {
	one := pgtest.NewDatabase(t)
	two := secondDesk(t, one)
	ctx := context.Background()
	a, err := postgres.Open(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, two)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 3, Series: "W"}, nil); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes := b.Changes(wctx)
	waitListening(t, b)
	drain(changes)
	ids, _ := a.IDs(ctx, data.Filter{}, data.Sort{})
	card, _ := a.Card(ctx, ids[0])
	at := time.Now()
	if _, err := a.Redeem(ctx, card.PIN, "Walk-in"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(time.Second):
		t.Fatal("the other desk heard of the redemption not within 1 s")
	}
	if n, _ := b.Count(ctx, data.Filter{Status: data.StatusActivated}); n != 1 {
		t.Errorf("the other desk counts %d activated cards, want 1", n)
	}
	t.Logf("a redemption reached the other desk in %v", time.Since(at).Round(time.Millisecond))

	// Cut the other desk's listening connection: it says so, then is back.
	before, _ := b.DataVersion(ctx)
	db, _ := sql.Open("pgx", one)
	defer db.Close()
	if _, err := db.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'desk_two' AND query LIKE 'LISTEN%'"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	sawDown := false
	for time.Now().Before(deadline) {
		v, err := b.DataVersion(ctx)
		if err != nil {
			sawDown = true
			if !strings.Contains(err.Error(), "reconnecting") {
				t.Errorf("while down: %v, want it to say it is reconnecting", err)
			}
		} else if sawDown && v > before {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !sawDown {
		t.Fatal("the dropped connection was never reported")
	}
	if _, err := b.DataVersion(ctx); err != nil {
		t.Fatalf("not back after 5 s: %v", err)
	}
	drain(changes)
	if _, err := a.Redeem(ctx, mustPIN(t, a, ids[1]), "Walk-in"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(time.Second):
		t.Fatal("after reconnecting, the other desk heard of a redemption not within 1 s")
	}
}

func mustPIN(t *testing.T, s *postgres.Store, id int64) string {
	t.Helper()
	c, err := s.Card(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.PIN
}

// waitListening waits until the store's listener is connected.
func waitListening(t *testing.T, s *postgres.Store) {
	t.Helper()
	for range 500 {
		if _, err := s.DataVersion(context.Background()); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the listener did not connect within 5 s")
}

func drain(ch <-chan struct{}) {
	for {
		select {
		case <-ch:
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}
