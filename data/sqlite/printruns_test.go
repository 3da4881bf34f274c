package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// record records a print run of the cards f matches or fails the test.
func record(tb testing.TB, s *sqlite.Store, f data.Filter, run data.PrintRun) data.PrintRun {
	tb.Helper()
	if run.Format == "" {
		run.Format = data.PrintPDF
	}
	if run.Path == "" {
		run.Path = "/tmp/sheets." + run.Format
	}
	got, err := s.RecordPrintRun(context.Background(), f, run)
	if err != nil {
		tb.Fatalf("record print run of %s: %v", f.Describe(), err)
	}
	return got
}

// printSome records four print runs on the fixture, so that its cards have
// been printed 0, 1, 2 and 3 times, expired ones among them.
func printSome(tb testing.TB, fx *fixture) {
	tb.Helper()
	all := allCards(tb, fx.s)
	record(tb, fx.s, data.Filter{Batch: fx.batches["b1"].ID}, data.PrintRun{Layout: "a4-10up"})
	record(tb, fx.s, data.Filter{SerialFrom: serialPtr("A", 10), SerialTo: serialPtr("B", 5)}, data.PrintRun{Format: data.PrintXLSX})
	record(tb, fx.s, data.Filter{Status: data.StatusExpired}, data.PrintRun{Layout: "letter-10up"})
	record(tb, fx.s, data.Filter{IDs: []int64{cardBySerial(tb, all, "A", 12).ID, cardBySerial(tb, all, "A", 13).ID}},
		data.PrintRun{Layout: "grid 3x8"})
	seen := map[int]bool{}
	for _, c := range allCards(tb, fx.s) {
		seen[c.Printed] = true
	}
	for _, n := range []int{0, 1, 2, 3} {
		if !seen[n] {
			tb.Fatalf("after printSome no card was printed %d times: %v", n, seen)
		}
	}
}

// printRunCardCount counts the rows of print_run_cards.
func printRunCardCount(tb testing.TB, s *sqlite.Store) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM print_run_cards").Scan(&n); err != nil {
		tb.Fatalf("count print_run_cards: %v", err)
	}
	return n
}

// pageAll walks every page of f in order o and returns the ids; each card a
// page returns must equal the card as allCards loads it.
func pageAll(t *testing.T, s *sqlite.Store, f data.Filter, o data.Sort, limit int, byID map[int64]data.Card) []int64 {
	t.Helper()
	var got []int64
	var cur data.Cursor
	for pages := 0; ; pages++ {
		if pages > len(byID)+1 {
			t.Fatalf("%+v %s limit %d: paging does not end", o, f.Describe(), limit)
		}
		page, next, err := s.Page(context.Background(), f, o, cur, limit)
		if err != nil {
			t.Fatalf("page %+v %s: %v", o, f.Describe(), err)
		}
		for _, c := range page {
			if !reflect.DeepEqual(c, byID[c.ID]) {
				t.Errorf("page card %d: %+v, want %+v", c.ID, c, byID[c.ID])
			}
			got = append(got, c.ID)
		}
		if len(page) < limit {
			return got
		}
		cur = next
	}
}

func TestRecordPrintRunMarksExactlyTheFilteredCards(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	s, ctx := fx.s, context.Background()
	all := allCards(t, s)
	filters := []data.Filter{
		{Batch: fx.batches["b1"].ID},
		{Status: data.StatusNew},
		{SerialFrom: serialPtr("A", 5), SerialTo: serialPtr("B", 6)},
		{Reseller: "ACME corp", Printed: data.PrintedYes},
		{Printed: data.PrintedNo}, // the cards leave the filter as they are marked
		{Status: data.StatusExpired, AmountTo: i64(80000)},
		{IDs: []int64{all[0].ID, all[20].ID, all[40].ID, 987654}},
		{Client: "ž"},
		{Batch: 9999}, // no card: a run of 0 cards is still a record
		{},
	}
	formats := []struct{ format, layout, path, as string }{
		{"pdf", "a4-10up", "/home/ana/sheets.pdf", "PDF a4-10up"},
		{" XLSX ", "", "C:\\Users\\ana\\vouchers.xlsx", "XLSX"},
	}
	for i, f := range filters {
		fm := formats[i%len(formats)]
		before := allCards(t, s)
		now := fx.clk.now()
		var wantIDs []int64
		var reprints int64
		matched := map[int64]bool{}
		for _, c := range before {
			if matches(c, f, now) {
				matched[c.ID] = true
				wantIDs = append(wantIDs, c.ID)
				if c.Printed > 0 {
					reprints++
				}
			}
		}
		runsBefore, err := s.PrintRuns(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		hist := historyLen(t, s)

		run, err := s.RecordPrintRun(ctx, f, data.PrintRun{Format: fm.format, Layout: fm.layout, Path: fm.path})
		if err != nil {
			t.Fatalf("record %s: %v", f.Describe(), err)
		}
		want := data.PrintRun{ID: run.ID, At: now, Format: strings.ToLower(strings.TrimSpace(fm.format)), Layout: fm.layout,
			Path: fm.path, Filter: f.Describe(), Cards: int64(len(wantIDs)), Reprints: reprints}
		if run != want || run.ID == 0 {
			t.Errorf("%s: run\n %+v\nwant\n %+v", f.Describe(), run, want)
		}
		// Every card: one more print if the filter matched it, else as before.
		after := allCards(t, s)
		if len(after) != len(before) {
			t.Fatalf("a print run changed the number of cards: %d -> %d", len(before), len(after))
		}
		for j, c := range before {
			w := c
			if matched[c.ID] {
				w.Printed++
			}
			if !reflect.DeepEqual(after[j], w) {
				t.Errorf("%s: card %s\n got %+v\nwant %+v", f.Describe(), c.Serial, after[j], w)
			}
		}
		ids, err := s.PrintRunCards(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, append([]int64{}, wantIDs...)) {
			t.Errorf("%s: run cards %v, want %v", f.Describe(), ids, wantIDs)
		}
		runs, err := s.PrintRuns(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != len(runsBefore)+1 || runs[0] != run || !slices.Equal(runs[1:], runsBefore) {
			t.Errorf("%s: print runs %+v, want %+v on top of the %d before", f.Describe(), runs, run, len(runsBefore))
		}
		// One history entry, at the run's time, in words.
		h := newestHistory(t, s, 1)[0]
		wantDetail := fmt.Sprintf("printed %d cards (%d reprints) as %s to %s", len(wantIDs), reprints, fm.as, fm.path)
		if historyLen(t, s) != hist+1 || h.Action != "print run" || h.Cards != int64(len(wantIDs)) ||
			h.Filter != f.Describe() || !h.At.Equal(now) || h.Detail != wantDetail {
			t.Errorf("%s: history %+v (%d -> %d entries); want detail %q", f.Describe(), h, hist, historyLen(t, s), wantDetail)
		}
		fx.clk.advance(time.Minute)
	}
}

// TestRecordPrintRunCountsReprints checks the counts against what the
// fixture's serials say, independently of the brute-force evaluation.
func TestRecordPrintRunCountsReprints(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	s := fx.s
	// b1 is A-1..A-15, b5 is A-16..A-23.
	r1 := record(t, s, data.Filter{Batch: fx.batches["b1"].ID}, data.PrintRun{})
	if r1.Cards != 15 || r1.Reprints != 0 {
		t.Errorf("first run: %d cards, %d reprints; want 15, 0", r1.Cards, r1.Reprints)
	}
	r2 := record(t, s, data.Filter{SerialFrom: serialPtr("A", 10), SerialTo: serialPtr("A", 20)}, data.PrintRun{})
	if r2.Cards != 11 || r2.Reprints != 6 {
		t.Errorf("second run: %d cards, %d reprints; want 11, 6 (A-10..A-15)", r2.Cards, r2.Reprints)
	}
	r3 := record(t, s, data.Filter{SerialFrom: serialPtr("A", 1), SerialTo: serialPtr("A", 23), Printed: data.PrintedYes}, data.PrintRun{})
	if r3.Cards != 20 || r3.Reprints != 20 {
		t.Errorf("reprint of the printed: %d cards, %d reprints; want 20, 20", r3.Cards, r3.Reprints)
	}
	r4 := record(t, s, data.Filter{SerialFrom: serialPtr("A", 1), SerialTo: serialPtr("A", 23), Printed: data.PrintedNo}, data.PrintRun{})
	if r4.Cards != 3 || r4.Reprints != 0 {
		t.Errorf("print of the never printed: %d cards, %d reprints; want 3 (A-21..A-23), 0", r4.Cards, r4.Reprints)
	}
	for _, c := range allCards(t, s) {
		want := 0
		if c.Serial.Series == "A" {
			switch n := c.Serial.Number; {
			case n <= 9:
				want = 2 // r1, r3
			case n <= 15:
				want = 3 // r1, r2, r3
			case n <= 20:
				want = 2 // r2, r3
			default:
				want = 1 // r4
			}
		}
		if c.Printed != want {
			t.Errorf("card %s printed %d times, want %d", c.Serial, c.Printed, want)
		}
	}
}

func TestPrintedFilterEveryPath(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	printSome(t, fx)
	all := allCards(t, fx.s)
	byID := map[int64]data.Card{}
	for _, c := range all {
		byID[c.ID] = c
	}
	others := []data.Filter{{}, {Status: data.StatusNew}, {Status: data.StatusExpired}, {Reseller: "acme corp"},
		{AmountTo: i64(80000)}, {SerialFrom: serialPtr("A", 12), SerialTo: serialPtr("B", 3)}, {Client: "o"}}
	sorts := []data.Sort{{}, {Column: data.ColPrinted}, {Column: data.ColPrinted, Desc: true},
		{Column: data.ColStatus}, {Column: data.ColAmount, Desc: true}}
	for _, p := range []data.PrintedFilter{data.PrintedYes, data.PrintedNo} {
		var yes, no int
		for _, base := range others {
			f := base
			f.Printed = p
			for _, o := range sorts {
				n := checkFilter(t, fx.s, all, f, o, fixtureNow) // Count, IDs, Summarize
				if p == data.PrintedYes {
					yes += n
				} else {
					no += n
				}
				want, err := fx.s.IDs(context.Background(), f, o)
				if err != nil {
					t.Fatal(err)
				}
				if got := pageAll(t, fx.s, f, o, 5, byID); !slices.Equal(got, want) {
					t.Errorf("%s sorted %+v: pages give %v, IDs %v", f.Describe(), o, got, want)
				}
			}
		}
		if yes+no == 0 {
			t.Errorf("printed %q matched no card in any filter", p)
		}
	}
	// Printed and never printed split every search.
	for _, base := range others {
		yes, no := base, base
		yes.Printed, no.Printed = data.PrintedYes, data.PrintedNo
		ny, _ := fx.s.Count(context.Background(), yes)
		nn, _ := fx.s.Count(context.Background(), no)
		nb, _ := fx.s.Count(context.Background(), base)
		if ny+nn != nb {
			t.Errorf("%s: %d printed + %d never printed != %d", base.Describe(), ny, nn, nb)
		}
	}
}

func TestSortByPrintedPagesEqualIDs(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	printSome(t, fx)
	ctx := context.Background()
	all := allCards(t, fx.s)
	byID := map[int64]data.Card{}
	for _, c := range all {
		byID[c.ID] = c
	}
	for _, desc := range []bool{false, true} {
		o := data.Sort{Column: data.ColPrinted, Desc: desc}
		for _, f := range []data.Filter{{}, {Printed: data.PrintedYes}, {Status: data.StatusExpired}, {Reseller: "acme CORP"}, {Batch: 9999}} {
			want, err := fx.s.IDs(ctx, f, o)
			if err != nil {
				t.Fatal(err)
			}
			brute := sortedIDs(cardsWhere(all, func(c data.Card) bool { return matches(c, f, fixtureNow) }), o, fixtureNow)
			if !slices.Equal(want, brute) {
				t.Errorf("IDs %s sorted %+v:\n got %v\nwant %v", f.Describe(), o, want, brute)
			}
			for _, limit := range []int{1, 3, 7, 64} {
				if got := pageAll(t, fx.s, f, o, limit, byID); !slices.Equal(got, want) {
					t.Errorf("%s sorted %+v, limit %d: pages give\n %v\nIDs gives\n %v", f.Describe(), o, limit, got, want)
				}
			}
		}
	}
	// The cursor carries the printed count; a cursor of another sort is refused.
	_, cur, err := fx.s.Page(ctx, data.Filter{}, data.Sort{Column: data.ColPrinted}, data.Cursor{}, 3)
	if err != nil || len(cur.Keys) != 1 {
		t.Fatalf("cursor %+v, %v", cur, err)
	}
	_, _, err = fx.s.Page(ctx, data.Filter{}, data.Sort{}, cur, 3)
	wantErr(t, err, data.ErrInvalid, "page by serial with a printed cursor")
}

// TestPrintRunIsOneTransaction makes one part of the run fail at a time
// (a trigger that aborts) and checks that nothing of the run is kept: no
// run, no cards of the run, no printed count, no history.
func TestPrintRunIsOneTransaction(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	printSome(t, fx)
	s := fx.s
	triggers := map[string]string{
		"history": `CREATE TRIGGER refuse BEFORE INSERT ON history WHEN NEW.action = 'print run'
			BEGIN SELECT RAISE(ABORT, 'history refused'); END`,
		"cards marked": `CREATE TRIGGER refuse BEFORE UPDATE OF printed ON cards WHEN NEW.printed = 3
			BEGIN SELECT RAISE(ABORT, 'no third print'); END`,
		"run's cards": `CREATE TRIGGER refuse BEFORE INSERT ON print_run_cards WHEN NEW.card_id % 7 = 3
			BEGIN SELECT RAISE(ABORT, 'card refused'); END`,
		"run totals": `CREATE TRIGGER refuse BEFORE UPDATE OF cards ON print_runs
			BEGIN SELECT RAISE(ABORT, 'totals refused'); END`,
	}
	for name, trig := range triggers {
		if _, err := s.DB().Exec(trig); err != nil {
			t.Fatal(err)
		}
		fx.clk.advance(time.Minute)
		before := stateOf(t, s)
		rows := printRunCardCount(t, s)
		if _, err := s.RecordPrintRun(context.Background(), data.Filter{}, data.PrintRun{Format: "pdf", Path: "x.pdf"}); err == nil {
			t.Errorf("%s refused, yet the print run was recorded", name)
		}
		assertUnchanged(t, s, before)
		if n := printRunCardCount(t, s); n != rows {
			t.Errorf("%s refused: print_run_cards %d -> %d rows", name, rows, n)
		}
		if _, err := s.DB().Exec("DROP TRIGGER refuse"); err != nil {
			t.Fatal(err)
		}
	}
	// A cancelled context records nothing either.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := stateOf(t, s)
	if _, err := s.RecordPrintRun(ctx, data.Filter{}, data.PrintRun{Format: "pdf", Path: "x.pdf"}); err == nil {
		t.Error("a print run with a cancelled context was recorded")
	}
	assertUnchanged(t, s, before)
}

func TestRecordPrintRunRefusals(t *testing.T) {
	t.Parallel()
	fx := buildFixture(t)
	s := fx.s
	cases := []struct {
		name string
		f    data.Filter
		run  data.PrintRun
	}{
		{"no format", data.Filter{}, data.PrintRun{Path: "x.pdf"}},
		{"csv is no voucher sheet", data.Filter{}, data.PrintRun{Format: "csv", Path: "x.csv"}},
		{"no path", data.Filter{}, data.PrintRun{Format: "pdf", Path: "  "}},
		{"invalid printed filter", data.Filter{Printed: "maybe"}, data.PrintRun{Format: "pdf", Path: "x.pdf"}},
		{"invalid range", data.Filter{AmountFrom: i64(500), AmountTo: i64(400)}, data.PrintRun{Format: "pdf", Path: "x.pdf"}},
	}
	for _, c := range cases {
		before := stateOf(t, s)
		_, err := s.RecordPrintRun(context.Background(), c.f, c.run)
		wantErr(t, err, data.ErrInvalid, c.name)
		assertUnchanged(t, s, before)
	}
	_, err := s.PrintRunCards(context.Background(), 42)
	wantErr(t, err, data.ErrNotFound, "cards of an unknown print run")
	for _, f := range []data.Filter{{Printed: "maybe"}, {Printed: "YES"}} {
		_, err := s.Count(context.Background(), f)
		wantErr(t, err, data.ErrInvalid, "count "+string(f.Printed))
		_, _, err = s.Page(context.Background(), f, data.Sort{}, data.Cursor{}, 10)
		wantErr(t, err, data.ErrInvalid, "page "+string(f.Printed))
	}
}

// TestRestoreKeepsPrintRunsAndCountsThePrintsSince: print runs are a
// record of sheets that exist, kept like the history; a restored card is
// printed as often as the backup says plus the prints made since, so that
// a card printed after the backup is still marked REPRINT.
func TestRestoreKeepsPrintRunsAndCountsThePrintsSince(t *testing.T) {
	t.Parallel()
	s, clk := editFixture(t) // series A (6), B (5), C (4)
	ctx := context.Background()
	r1 := record(t, s, data.Filter{SerialFrom: mustSerial(t, "A", false), SerialTo: mustSerial(t, "A", true)}, data.PrintRun{})
	snap, err := s.CreateBackup(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	atSnapshot := allCards(t, s)
	clk.advance(time.Hour)
	r2 := record(t, s, data.Filter{SerialTo: mustSerial(t, "B", true)}, data.PrintRun{Format: data.PrintXLSX})
	if r2.Cards != 11 || r2.Reprints != 6 {
		t.Fatalf("second run %+v", r2)
	}
	r2Cards, err := s.PrintRunCards(ctx, r2.ID)
	if err != nil {
		t.Fatal(err)
	}
	beforeRestore := stateOf(t, s)

	clk.advance(time.Hour)
	res, err := s.Restore(ctx, snap.Path)
	if err != nil {
		t.Fatal(err)
	}
	restored := stateOf(t, s)
	// The cards are the backup's, with the second run counted: A printed
	// twice, B once, C never.
	for i, c := range restored.Cards {
		want := map[string]int{"A": 2, "B": 1}[c.Serial.Series]
		if c.Printed != want {
			t.Errorf("restored card %s printed %d times, want %d", c.Serial, c.Printed, want)
		}
		c.Printed = atSnapshot[i].Printed
		if c != atSnapshot[i] {
			t.Errorf("restored card %+v, want the backup's %+v", c, atSnapshot[i])
		}
	}
	if res.Plan.PrintRuns != 1 {
		t.Errorf("restore plan: %d print runs since the backup, want 1", res.Plan.PrintRuns)
	}
	// Both runs are kept, once each (the backup's copy of r1 is not added).
	if !reflect.DeepEqual(restored.PrintRuns, []data.PrintRun{r2, r1}) {
		t.Errorf("print runs after restore %+v, want [r2 r1]", restored.PrintRuns)
	}
	if ids, err := s.PrintRunCards(ctx, r2.ID); err != nil || !slices.Equal(ids, r2Cards) {
		t.Errorf("cards of run 2 after restore %v, %v; want %v", ids, err, r2Cards)
	}
	if n := printRunCardCount(t, s); n != 6+11 {
		t.Errorf("print_run_cards holds %d rows after restore, want 17", n)
	}
	if !reflect.DeepEqual(restored.History[1:], beforeRestore.History) || restored.History[0].Action != "restore" {
		t.Error("restore did not keep the history")
	}
	// Undoing the restore gives the same counts; the runs stay as they are.
	if _, err := s.Restore(ctx, res.Before.Path); err != nil {
		t.Fatal(err)
	}
	undone := stateOf(t, s)
	if !reflect.DeepEqual(undone.Cards, beforeRestore.Cards) || !reflect.DeepEqual(undone.PrintRuns, beforeRestore.PrintRuns) {
		t.Error("undoing the restore did not bring back the printed counts, or changed the print runs")
	}
}

func TestDeletingCardsKeepsThePrintRecord(t *testing.T) {
	t.Parallel()
	s, _ := editFixture(t)
	ctx := context.Background()
	run := record(t, s, data.Filter{SerialTo: mustSerial(t, "B", true)}, data.PrintRun{})
	ids, err := s.PrintRunCards(ctx, run.ID)
	if err != nil || len(ids) != 11 {
		t.Fatalf("run cards %v, %v", ids, err)
	}
	if _, err := s.Delete(ctx, data.Filter{SerialFrom: serialPtr("A", 3), SerialTo: serialPtr("B", 2)}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PrintRunCards(ctx, run.ID); err != nil || !slices.Equal(got, ids) {
		t.Errorf("after delete the run lists %v, %v; want %v", got, err, ids)
	}
	if _, err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PrintRunCards(ctx, run.ID); err != nil || !slices.Equal(got, ids) {
		t.Errorf("after delete all the run lists %v, %v; want %v", got, err, ids)
	}
	if cards, err := s.CardsByID(ctx, ids); err != nil || len(cards) != 0 {
		t.Errorf("CardsByID of the deleted run cards: %d cards, %v", len(cards), err)
	}
	runs, err := s.PrintRuns(ctx, 0)
	if err != nil || len(runs) != 1 || runs[0] != run {
		t.Errorf("print runs after deletes %+v, %v; want %+v", runs, err, run)
	}
}

// TestMigrationFromVersion3 builds a database of schema version 3 with the
// first three migrations, then opens it: the cards are kept, never
// printed, and can be printed; a version-3 snapshot of the previous version
// in backups/ restores, keeps the print runs and counts the prints since.
func TestMigrationFromVersion3(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	old := filepath.Join(dir, "v3.db")
	db, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	files, err := filepath.Glob(filepath.Join("migrations", "000[123]_*.sql"))
	if err != nil || len(files) != 3 {
		t.Fatalf("migrations 1 to 3: %v, %v", files, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, q := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", sqlite.ApplicationID), "PRAGMA user_version = 3",
		`INSERT INTO batches (id, series, first_number, quantity, amount, currency, pin_length, created_at)
			VALUES (1, 'V', 1, 3, 500, 'USD', 12, 1767000000)`,
		`INSERT INTO cards (series, number, pin, amount, currency, batch_id, created_at) VALUES
			('V', 1, '111122223333', 500, 'USD', 1, 1767000000), ('V', 2, '111122224444', 500, 'USD', 1, 1767000000),
			('V', 3, '111122225555', 500, 'USD', 1, 1767000000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	snap := filepath.Join(dir, "backups", "v3-20260101-090000-000000000-edit.db")
	if err := os.MkdirAll(filepath.Dir(snap), 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snap, b, 0o600); err != nil {
		t.Fatal(err)
	}

	s, _ := openStoreAt(t, old)
	cards := allCards(t, s)
	if len(cards) != 3 {
		t.Fatalf("%d cards after the migration, want 3", len(cards))
	}
	for _, c := range cards {
		if c.Printed != 0 {
			t.Errorf("card %s printed %d times after the migration", c.Serial, c.Printed)
		}
	}
	run := record(t, s, data.Filter{Printed: data.PrintedNo}, data.PrintRun{})
	if run.Cards != 3 || run.Reprints != 0 {
		t.Errorf("first print after the migration: %+v", run)
	}
	if _, err := s.Restore(ctx, snap); err != nil {
		t.Fatalf("restore a version-3 snapshot: %v", err)
	}
	for _, c := range allCards(t, s) {
		if c.Printed != 1 {
			t.Errorf("card %s printed %d times after restoring a version-3 snapshot, want 1 (the run since)", c.Serial, c.Printed)
		}
	}
	if runs, err := s.PrintRuns(ctx, 0); err != nil || len(runs) != 1 || runs[0] != run {
		t.Errorf("print runs after restoring a version-3 snapshot: %+v, %v", runs, err)
	}
}

func TestParsePrinted(t *testing.T) {
	t.Parallel()
	ok := map[string]data.PrintedFilter{
		"yes": data.PrintedYes, "YES": data.PrintedYes, " printed ": data.PrintedYes, "Printed": data.PrintedYes,
		"no": data.PrintedNo, "No": data.PrintedNo, "never": data.PrintedNo, "NEVER": data.PrintedNo,
		"never printed": data.PrintedNo, " never  Printed ": data.PrintedNo,
	}
	for in, want := range ok {
		if got, err := data.ParsePrinted(in); err != nil || got != want {
			t.Errorf("ParsePrinted(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", " ", "y", "n", "true", "0", "1", "any", "yes,no", "never-printed", "printed once", "ja"} {
		if got, err := data.ParsePrinted(in); !errors.Is(err, data.ErrInvalid) || got != "" {
			t.Errorf("ParsePrinted(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
	// The filter in words, and as a filter.
	for p, words := range map[data.PrintedFilter]string{data.PrintedYes: "printed", data.PrintedNo: "never printed"} {
		f := data.Filter{Printed: p}
		if f.IsEmpty() || f.Describe() != words || f.Validate() != nil {
			t.Errorf("Filter{Printed: %q}: empty %v, described %q, valid %v", p, f.IsEmpty(), f.Describe(), f.Validate())
		}
		if d := (data.Filter{Batch: 2, Printed: p}).Describe(); d != "batch 2, "+words {
			t.Errorf("described %q", d)
		}
	}
	wantErr(t, data.Filter{Printed: "maybe"}.Validate(), data.ErrInvalid, "validate printed maybe")
}

func FuzzParsePrinted(f *testing.F) {
	for _, s := range []string{"yes", "no", "printed", "never", "never printed", "YES", " No ", "", "y", "nope", "never\tprinted", "ǹo", "ｙｅｓ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := data.ParsePrinted(s)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) || p != "" {
				t.Fatalf("ParsePrinted(%q) = %q, %v: a refusal is ErrInvalid with no value", s, p, err)
			}
			return
		}
		// Only the words, in any case and spacing, are read.
		words := strings.ToLower(strings.Join(strings.Fields(s), " "))
		if !slices.Contains([]string{"yes", "printed", "no", "never", "never printed"}, words) {
			t.Fatalf("ParsePrinted(%q) = %q: accepted other words", s, p)
		}
		if p != data.PrintedYes && p != data.PrintedNo {
			t.Fatalf("ParsePrinted(%q) = %q", s, p)
		}
		flt := data.Filter{Printed: p}
		if err := flt.Validate(); err != nil {
			t.Fatalf("ParsePrinted(%q) = %q, which Validate refuses: %v", s, p, err)
		}
		// Round trips: the value and the filter in words read back.
		if back, err := data.ParsePrinted(string(p)); err != nil || back != p {
			t.Fatalf("ParsePrinted(%q) = %q, %v", p, back, err)
		}
		if back, err := data.ParsePrinted(flt.Describe()); err != nil || back != p {
			t.Fatalf("ParsePrinted(%q) = %q, %v", flt.Describe(), back, err)
		}
	})
}

// BenchmarkRecordPrintRun records a print run of 100,000 cards per op (each
// op prints them once more, so from the second op on all are reprints): by
// a search, by status (which depends on the time), and by the ids of the
// cards an exporter wrote.
func BenchmarkRecordPrintRun(b *testing.B) {
	const cards = 100_000
	s, _ := newStore(b)
	ctx := context.Background()
	batch := mustGenerate(b, s, data.GenerateParams{Amount: 500, Quantity: cards, Series: "P"})
	mustGenerate(b, s, data.GenerateParams{Amount: 500, Quantity: cards / 10, Series: "Q"}) // not printed
	ids, err := s.IDs(ctx, data.Filter{Batch: batch.ID}, data.Sort{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		f    data.Filter
	}{
		{"batch", data.Filter{Batch: batch.ID}},
		{"status=new+serial", data.Filter{Status: data.StatusNew, SerialFrom: serialPtr("P", 0), SerialTo: serialPtr("P", data.MaxSerialNumber)}},
		{"ids", data.Filter{IDs: ids}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				run, err := s.RecordPrintRun(ctx, bc.f, data.PrintRun{Format: data.PrintPDF, Layout: "a4-10up", Path: "/tmp/x.pdf"})
				if err != nil {
					b.Fatal(err)
				}
				if run.Cards != cards {
					b.Fatalf("run of %d cards, want %d", run.Cards, cards)
				}
			}
			b.ReportMetric(cards, "cards/op")
		})
	}
}

// Card ids are never given twice, so a print run's cards stay the cards
// that were printed, also after every card was deleted and new ones made.
func TestCardIDsAreNeverReused(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 5, Series: "R"}, nil); err != nil {
		t.Fatal(err)
	}
	run, err := s.RecordPrintRun(ctx, data.Filter{Batch: 1}, data.PrintRun{Format: data.PrintPDF, Path: "r.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 5, Series: "S"}, nil); err != nil {
		t.Fatal(err)
	}
	ids, err := s.PrintRunCards(ctx, run.ID)
	if err != nil || len(ids) != 5 {
		t.Fatalf("run cards %v, %v", ids, err)
	}
	cards, err := s.CardsByID(ctx, ids)
	if err != nil || len(cards) != 0 {
		t.Fatalf("the printed cards' ids now name new cards: %+v", cards)
	}
	fresh, _ := s.IDs(ctx, data.Filter{}, data.Sort{})
	if len(fresh) != 5 || fresh[0] <= ids[len(ids)-1] {
		t.Errorf("new ids %v do not continue above %v", fresh, ids)
	}
}
