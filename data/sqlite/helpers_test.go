package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// t0 is the store's clock at the start of every test: the fixtures generate
// cards "now" and then move the clock, so statuses are deterministic.
var t0 = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

// clock is a settable clock for Store.SetClock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newStore opens a new database file in a temporary folder with its clock
// set to t0, and closes it when the test ends.
func newStore(tb testing.TB) (*sqlite.Store, *clock) {
	tb.Helper()
	return openStoreAt(tb, filepath.Join(tb.TempDir(), "cards.db"))
}

// openStoreAt opens the database at path with its clock set to t0.
func openStoreAt(tb testing.TB, path string) (*sqlite.Store, *clock) {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	clk := &clock{t: t0}
	s.SetClock(clk.now)
	return s, clk
}

// mustGenerate generates a batch or fails the test.
func mustGenerate(tb testing.TB, s *sqlite.Store, p data.GenerateParams) data.Batch {
	tb.Helper()
	b, err := s.Generate(context.Background(), p, nil)
	if err != nil {
		tb.Fatalf("generate %+v: %v", p, err)
	}
	return b
}

func mustAddReseller(tb testing.TB, s *sqlite.Store, name string) data.Reseller {
	tb.Helper()
	r, err := s.AddReseller(context.Background(), name)
	if err != nil {
		tb.Fatalf("add reseller %q: %v", name, err)
	}
	return r
}

// allCards loads every card, ordered by id.
func allCards(tb testing.TB, s *sqlite.Store) []data.Card {
	tb.Helper()
	ctx := context.Background()
	ids, err := s.IDs(ctx, data.Filter{}, data.Sort{})
	if err != nil {
		tb.Fatalf("ids: %v", err)
	}
	cards, err := s.CardsByID(ctx, ids)
	if err != nil {
		tb.Fatalf("cards by id: %v", err)
	}
	if len(cards) != len(ids) {
		tb.Fatalf("CardsByID returned %d cards for %d ids", len(cards), len(ids))
	}
	sort.Slice(cards, func(i, j int) bool { return cards[i].ID < cards[j].ID })
	return cards
}

// cardsWhere returns the cards of all for which keep is true.
func cardsWhere(all []data.Card, keep func(data.Card) bool) []data.Card {
	var out []data.Card
	for _, c := range all {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func idsOf(cards []data.Card) []int64 {
	ids := make([]int64, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
	}
	return ids
}

// cardBySerial finds a card by its serial in all.
func cardBySerial(tb testing.TB, all []data.Card, series string, number int64) data.Card {
	tb.Helper()
	for _, c := range all {
		if c.Serial.Series == series && c.Serial.Number == number {
			return c
		}
	}
	tb.Fatalf("no card %s-%09d", series, number)
	return data.Card{}
}

// state is everything the store holds, for "changes nothing" checks.
type state struct {
	Cards     []data.Card
	Batches   []data.Batch
	History   []data.HistoryEntry
	Resellers []data.Reseller
	Snapshots []string
	PrintRuns []data.PrintRun
}

func stateOf(tb testing.TB, s *sqlite.Store) state {
	tb.Helper()
	ctx := context.Background()
	var st state
	st.Cards = allCards(tb, s)
	var err error
	if st.Batches, err = s.Batches(ctx); err != nil {
		tb.Fatalf("batches: %v", err)
	}
	if st.History, err = s.History(ctx, 1_000_000); err != nil {
		tb.Fatalf("history: %v", err)
	}
	if st.Resellers, err = s.Resellers(ctx); err != nil {
		tb.Fatalf("resellers: %v", err)
	}
	if st.PrintRuns, err = s.PrintRuns(ctx, 1_000_000); err != nil {
		tb.Fatalf("print runs: %v", err)
	}
	snaps, err := s.Backups(ctx)
	if err != nil {
		tb.Fatalf("backups: %v", err)
	}
	for _, sn := range snaps {
		st.Snapshots = append(st.Snapshots, sn.Path)
	}
	return st
}

// assertUnchanged fails unless the store holds exactly what before says.
func assertUnchanged(tb testing.TB, s *sqlite.Store, before state) {
	tb.Helper()
	after := stateOf(tb, s)
	if !reflect.DeepEqual(before.Cards, after.Cards) {
		tb.Errorf("cards changed: %d before, %d after", len(before.Cards), len(after.Cards))
	}
	if !reflect.DeepEqual(before.Batches, after.Batches) {
		tb.Errorf("batches changed: %d before, %d after", len(before.Batches), len(after.Batches))
	}
	if !reflect.DeepEqual(before.History, after.History) {
		tb.Errorf("history changed: %d entries before, %d after", len(before.History), len(after.History))
		if len(after.History) > 0 {
			tb.Logf("newest entry now: %+v", after.History[0])
		}
	}
	if !reflect.DeepEqual(before.Resellers, after.Resellers) {
		tb.Errorf("resellers changed: %+v -> %+v", before.Resellers, after.Resellers)
	}
	if !reflect.DeepEqual(before.Snapshots, after.Snapshots) {
		tb.Errorf("snapshots changed: %d before, %d after", len(before.Snapshots), len(after.Snapshots))
	}
	if !reflect.DeepEqual(before.PrintRuns, after.PrintRuns) {
		tb.Errorf("print runs changed: %d before, %d after", len(before.PrintRuns), len(after.PrintRuns))
	}
}

// historyLen counts the entries of the audit log.
func historyLen(tb testing.TB, s *sqlite.Store) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM history").Scan(&n); err != nil {
		tb.Fatalf("count history: %v", err)
	}
	return n
}

// newestHistory returns the newest n history entries, newest first.
func newestHistory(tb testing.TB, s *sqlite.Store, n int) []data.HistoryEntry {
	tb.Helper()
	h, err := s.History(context.Background(), n)
	if err != nil {
		tb.Fatalf("history: %v", err)
	}
	return h
}

// wantErr fails unless err wraps want.
func wantErr(tb testing.TB, err, want error, what string) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("%s: error %v, want one that wraps %q", what, err, want)
	}
}

func i64(v int64) *int64 { return &v }

func serialPtr(series string, number int64) *data.Serial {
	return &data.Serial{Series: series, Number: number}
}

// fixture is a small database with every kind of card: several series
// (including "10" and "9", which sort as text), currencies, resellers whose
// names differ only in case, PIN lengths with and without check digit,
// activated cards (clients with non-ASCII names), blocked cards, expired
// cards and cards without expiry.
type fixture struct {
	s       *sqlite.Store
	clk     *clock
	batches map[string]data.Batch // by name b1..b7
	res     map[string]data.Reseller
	clients []string // every client name used
}

// fixtureNow is the clock after buildFixture: batches b2, b4, b5 and b7 have
// passed their expiry; b3 has not.
var fixtureNow = t0.Add(12 * 24 * time.Hour)

func buildFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	s, clk := newStore(tb)
	fx := &fixture{s: s, clk: clk, batches: map[string]data.Batch{}, res: map[string]data.Reseller{}}
	for _, name := range []string{"Acme Corp", "beta shop", "Žofia Trade", "Zeta", "acme west"} {
		fx.res[name] = mustAddReseller(tb, s, name)
	}
	day := 24 * time.Hour
	gens := []struct {
		name string
		p    data.GenerateParams
	}{
		{"b1", data.GenerateParams{Amount: 500, Quantity: 15, Series: "A", Reseller: "Acme Corp"}},
		{"b2", data.GenerateParams{Amount: 1000, Currency: "EUR", Quantity: 12, Series: "B", PINLength: 8,
			CheckDigit: true, Reseller: "beta shop", ExpiresAt: t0.Add(10 * day)}},
		{"b3", data.GenerateParams{Amount: 800, Quantity: 10, Series: "10", PINLength: 16, ExpiresAt: t0.Add(40 * day)}},
		{"b4", data.GenerateParams{Amount: 1, Currency: "gbp", Quantity: 10, Series: "9", PINLength: 10,
			CheckDigit: true, Reseller: "Žofia Trade", ExpiresAt: t0.Add(5 * day)}},
		{"b5", data.GenerateParams{Amount: 500, Quantity: 8, Series: "A", Reseller: "acme west", ExpiresAt: t0.Add(10 * day)}},
		{"b6", data.GenerateParams{Amount: 100_000_000, Quantity: 6, Series: "ZZ", PINLength: 20}},
		{"b7", data.GenerateParams{Amount: 250, Currency: "EUR", Quantity: 4, Series: "b", PINLength: 9,
			Reseller: "ZETA", ExpiresAt: t0.Add(3 * day)}},
	}
	for _, g := range gens {
		fx.batches[g.name] = mustGenerate(tb, s, g.p)
		clk.advance(time.Minute)
	}
	all := allCards(tb, s)
	redeem := func(at time.Time, series string, number int64, client string) {
		tb.Helper()
		clk.set(at)
		c := cardBySerial(tb, all, series, number)
		if _, err := s.Redeem(ctx, c.PIN, client); err != nil {
			tb.Fatalf("redeem %s for %s: %v", c.Serial, client, err)
		}
		fx.clients = append(fx.clients, client)
	}
	redeem(t0.Add(day), "A", 1, "Rose Orig")
	redeem(t0.Add(day+time.Hour), "A", 2, "Žofia Nováková")
	redeem(t0.Add(day+2*time.Hour), "A", 3, "ОЛЬГА Петрова")
	redeem(t0.Add(2*day), "B", 1, "olga smith")
	redeem(t0.Add(2*day), "B", 2, "ROSE O'Neil")
	redeem(t0.Add(2*day+30*time.Minute), "10", 1, "Ольга")
	redeem(t0.Add(3*day), "9", 1, "žofia")
	redeem(t0.Add(3*day+time.Hour), "ZZ", 1, "rose orig")
	redeem(t0.Add(3*day+time.Hour), "A", 16, "Bob")

	clk.set(t0.Add(3*day + 2*time.Hour))
	var block []int64
	for _, sn := range []struct {
		series string
		n      int64
	}{{"10", 2}, {"10", 3}, {"B", 3}, {"9", 2}, {"A", 4}, {"A", 1}, {"B", 13}} {
		block = append(block, cardBySerial(tb, all, sn.series, sn.n).ID)
	}
	if _, err := s.MassEdit(ctx, data.Filter{IDs: block}, data.Edit{Block: data.BlockSet}); err != nil {
		tb.Fatalf("block: %v", err)
	}
	clk.advance(time.Hour)
	if _, err := s.MassEdit(ctx, data.Filter{SerialFrom: serialPtr("A", 5), SerialTo: serialPtr("A", 7)},
		data.Edit{Expiry: data.ExpirySet, ExpireAt: t0.Add(15 * day)}); err != nil {
		tb.Fatalf("set expiry: %v", err)
	}
	if _, err := s.MassEdit(ctx, data.Filter{SerialFrom: serialPtr("B", 4), SerialTo: serialPtr("B", 4)},
		data.Edit{Expiry: data.ExpiryClear}); err != nil {
		tb.Fatalf("clear expiry: %v", err)
	}
	clk.set(fixtureNow)
	return fx
}

// statusOf is the test's own statement of the rule: activated once
// redeemed; otherwise blocked if blocked; otherwise expired once the expiry
// has passed; otherwise new.
func statusOf(c data.Card, now time.Time) data.Status {
	switch {
	case !c.ActivatedAt.IsZero():
		return data.StatusActivated
	case c.Blocked:
		return data.StatusBlocked
	case !c.ExpiresAt.IsZero() && c.ExpiresAt.Unix() <= now.Unix():
		return data.StatusExpired
	}
	return data.StatusNew
}

// containsFold reports whether needle occurs in hay ignoring case, by
// comparing every window of runes with strings.EqualFold (a different
// method from the store's, on purpose).
func containsFold(hay, needle string) bool {
	h, n := []rune(hay), []rune(needle)
	for i := 0; i+len(n) <= len(h); i++ {
		if strings.EqualFold(string(h[i:i+len(n)]), needle) {
			return true
		}
	}
	return false
}

// asciiFold is SQLite's NOCASE: only A-Z fold.
func asciiFold(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func serialLess(a, b data.Serial) int {
	if c := strings.Compare(a.Series, b.Series); c != 0 {
		return c
	}
	switch {
	case a.Number < b.Number:
		return -1
	case a.Number > b.Number:
		return 1
	}
	return 0
}

// matches is the brute-force evaluation of f on one card.
func matches(c data.Card, f data.Filter, now time.Time) bool {
	if f.SerialFrom != nil && serialLess(c.Serial, *f.SerialFrom) < 0 {
		return false
	}
	if f.SerialTo != nil && serialLess(c.Serial, *f.SerialTo) > 0 {
		return false
	}
	if f.PIN != "" && c.PIN != f.PIN {
		return false
	}
	if f.Status != "" && statusOf(c, now) != f.Status {
		return false
	}
	if f.Reseller != "" && (c.Reseller == "" || asciiFold(c.Reseller) != asciiFold(strings.Join(strings.Fields(f.Reseller), " "))) {
		return false
	}
	if f.AmountFrom != nil && c.Amount.ToBound() < *f.AmountFrom {
		return false
	}
	if f.AmountTo != nil && c.Amount.ToBound() > *f.AmountTo {
		return false
	}
	if !f.ExpiryFrom.IsZero() && (c.ExpiresAt.IsZero() || c.ExpiresAt.Unix() < f.ExpiryFrom.Unix()) {
		return false
	}
	if !f.ExpiryTo.IsZero() && (c.ExpiresAt.IsZero() || c.ExpiresAt.Unix() > f.ExpiryTo.Unix()) {
		return false
	}
	if f.Client != "" && (c.ActivatedAt.IsZero() || !containsFold(c.ActivatedBy, f.Client)) {
		return false
	}
	if !f.ActivatedFrom.IsZero() && (c.ActivatedAt.IsZero() || c.ActivatedAt.Unix() < f.ActivatedFrom.Unix()) {
		return false
	}
	if !f.ActivatedTo.IsZero() && (c.ActivatedAt.IsZero() || c.ActivatedAt.Unix() > f.ActivatedTo.Unix()) {
		return false
	}
	if f.Batch != 0 && c.BatchID != f.Batch {
		return false
	}
	if f.IDs != nil {
		found := false
		for _, id := range f.IDs {
			if id == c.ID {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	switch f.Printed {
	case data.PrintedYes:
		if c.Printed == 0 {
			return false
		}
	case data.PrintedNo:
		if c.Printed != 0 {
			return false
		}
	}
	return true
}

// statusRank is the order of the Status column: data.Statuses.
func statusRank(s data.Status) int {
	for i, st := range []data.Status{data.StatusNew, data.StatusActivated, data.StatusExpired, data.StatusBlocked} {
		if st == s {
			return i
		}
	}
	panic("unknown status " + s)
}

func unixOr0(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareBy compares two cards by one column as the issue describes the
// table's sort; 0 for a tie.
func compareBy(col data.Column, a, b data.Card, now time.Time) int {
	switch col {
	case data.ColStatus:
		return cmpInt(int64(statusRank(statusOf(a, now))), int64(statusRank(statusOf(b, now))))
	case data.ColSerial:
		return serialLess(a.Serial, b.Serial)
	case data.ColAmount:
		return cmpInt(a.Amount.Minor, b.Amount.Minor)
	case data.ColCurrency:
		return strings.Compare(a.Amount.Currency, b.Amount.Currency)
	case data.ColPIN:
		return strings.Compare(a.PIN, b.PIN)
	case data.ColReseller:
		return strings.Compare(asciiFold(a.Reseller), asciiFold(b.Reseller))
	case data.ColExpiresAt:
		return cmpInt(unixOr0(a.ExpiresAt), unixOr0(b.ExpiresAt))
	case data.ColActivatedBy:
		return strings.Compare(asciiFold(a.ActivatedBy), asciiFold(b.ActivatedBy))
	case data.ColActivatedAt:
		return cmpInt(unixOr0(a.ActivatedAt), unixOr0(b.ActivatedAt))
	case data.ColCreatedAt:
		return cmpInt(a.CreatedAt.Unix(), b.CreatedAt.Unix())
	case data.ColBatch:
		return cmpInt(a.BatchID, b.BatchID)
	case data.ColPrinted:
		return cmpInt(int64(a.Printed), int64(b.Printed))
	}
	panic(fmt.Sprintf("unknown column %q", col))
}

// sortedIDs sorts cards by o in Go (ties by id, same direction) and returns
// their ids.
func sortedIDs(cards []data.Card, o data.Sort, now time.Time) []int64 {
	cs := append([]data.Card(nil), cards...)
	col := o.Column
	if col == "" {
		col = data.ColSerial
	}
	sort.SliceStable(cs, func(i, j int) bool {
		c := compareBy(col, cs[i], cs[j], now)
		if c == 0 {
			c = cmpInt(cs[i].ID, cs[j].ID)
		}
		if o.Desc {
			return c > 0
		}
		return c < 0
	})
	return idsOf(cs)
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
