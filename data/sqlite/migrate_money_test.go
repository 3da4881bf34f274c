package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// oldCard is a card as version 7 stored it: every amount in hundredths.
type oldCard struct {
	series   string
	number   int64
	cents    int64 // hundredths, whatever the currency
	currency string
	batch    int64
}

// TestMigrationToMinorUnits builds a real file with migrations 1 to 7 and
// cards stored the old way (hundredths for every currency, including
// 5000.50 XOF that the old version let a person type, and a deleted card
// kept for undo), opens it with this version and checks every card, the
// batches, the undo journal and the history entries that name each
// rounding.
func TestMigrationToMinorUnits(t *testing.T) {
	t.Parallel()
	newStore(t) // registers the SQL functions migration 7 calls
	dir := t.TempDir()
	path := filepath.Join(dir, "v7.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	files, err := filepath.Glob(filepath.Join("migrations", "000[1234567]_*.sql"))
	if err != nil || len(files) != 7 {
		t.Fatalf("migrations 1 to 7: %v, %v", files, err)
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
	cards := []oldCard{
		{"U", 1, 800, "USD", 1}, {"U", 2, 800, "USD", 1},
		{"J", 1, 50000, "JPY", 2}, {"J", 2, 50000, "JPY", 2}, // 500 JPY
		{"X", 1, 500000, "XOF", 3},                             // 5000 XOF
		{"Y", 1, 500050, "XOF", 4}, {"Y", 2, 500050, "XOF", 4}, // 5000.50 XOF: rounded up to 5001
		{"Z", 1, 30, "XAF", 5},                            // 0.30 XAF: at least 1
		{"Z", 2, 149, "XAF", 5},                           // 1.49 XAF: 1
		{"K", 1, 50, "KWD", 6}, {"K", 2, 12345, "KWD", 6}, // 0.500 and 123.450 KWD
		{"I", 1, 100000000, "IQD", 7}, // 1,000,000.000 IQD
		{"A", 1, 799, "ANG", 8},       // a code ISO retired: two decimals as before
	}
	batches := map[int64]oldCard{}
	for _, c := range cards {
		batches[c.batch] = c
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(fmt.Sprintf("PRAGMA application_id = %d", sqlite.ApplicationID))
	exec("PRAGMA user_version = 7")
	for id, c := range batches {
		exec(`INSERT INTO batches (id, series, first_number, quantity, amount, currency, pin_length, created_at)
			VALUES (?, ?, 1, 2, ?, ?, 12, 1767000000)`, id, c.series, c.cents, c.currency)
	}
	for i, c := range cards {
		exec(`INSERT INTO cards (series, number, pin, amount, currency, batch_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 1767000000)`, c.series, c.number, fmt.Sprintf("%012d", 100000000000+i), c.cents, c.currency, c.batch)
	}
	// A delete of 5000.50 XOF card Y-3, kept whole for undo.
	exec(`INSERT INTO history (id, at, action, detail, filter, cards) VALUES (50, 1767000100, 'delete', 'deleted 1 card', 'serial Y-3', 1)`)
	exec(`INSERT INTO undo_cards (op_id, card_id, deleted, series, number, pin, amount, currency, batch_id, created_at, blocked, printed)
		VALUES (50, 99, 1, 'Y', 3, '999988887777', 500050, 'XOF', 4, 1767000000, 0, 0)`)
	// A batch whose cards are all gone: its record is rounded too.
	exec(`INSERT INTO batches (id, series, first_number, quantity, amount, currency, pin_length, created_at)
		VALUES (9, 'G', 1, 1, 25, 'JPY', 12, 1767000000)`)
	db.Close()

	s, _ := openStoreAt(t, path)
	want := map[string]data.Money{
		"U-000000001": {Minor: 800, Currency: "USD"}, "U-000000002": {Minor: 800, Currency: "USD"},
		"J-000000001": {Minor: 500, Currency: "JPY"}, "J-000000002": {Minor: 500, Currency: "JPY"},
		"X-000000001": {Minor: 5000, Currency: "XOF"},
		"Y-000000001": {Minor: 5001, Currency: "XOF"}, "Y-000000002": {Minor: 5001, Currency: "XOF"},
		"Z-000000001": {Minor: 1, Currency: "XAF"}, "Z-000000002": {Minor: 1, Currency: "XAF"},
		"K-000000001": {Minor: 500, Currency: "KWD"}, "K-000000002": {Minor: 123450, Currency: "KWD"},
		"I-000000001": {Minor: 1_000_000_000, Currency: "IQD"},
		"A-000000001": {Minor: 799, Currency: "ANG"},
	}
	got := allCards(t, s)
	if len(got) != len(want) {
		t.Fatalf("%d cards after the migration, want %d", len(got), len(want))
	}
	for _, c := range got {
		if w, ok := want[c.Serial.String()]; !ok || c.Amount != w {
			t.Errorf("card %s: %v after the migration, want %v", c.Serial, c.Amount, w)
		}
	}
	// What people see: the vouchers' and the window's amounts.
	en := data.NewLocale("en-US")
	for serial, text := range map[string]string{"X-000000001": "5,000 XOF", "K-000000001": "0.500 KWD",
		"J-000000001": "500 JPY", "I-000000001": "1,000,000.000 IQD", "U-000000001": "8.00 USD"} {
		if got := en.Amount(want[serial]); got != text {
			t.Errorf("%s shows %q, want %q", serial, got, text)
		}
	}
	bs, err := s.Batches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantBatch := map[int64]int64{1: 800, 2: 500, 3: 5000, 4: 5001, 5: 1, 6: 123450, 7: 1_000_000_000, 8: 799, 9: 1}
	for _, b := range bs {
		if b.Amount.Minor != wantBatch[b.ID] {
			t.Errorf("batch %d: %v, want %d minor units", b.ID, b.Amount, wantBatch[b.ID])
		}
	}
	var journal int64
	if err := s.DB().QueryRow(`SELECT amount FROM undo_cards WHERE op_id = 50`).Scan(&journal); err != nil || journal != 5001 {
		t.Errorf("the deleted card kept for undo: amount %d, %v; want 5001", journal, err)
	}
	// Each rounding is in the history, with both values and the serials.
	hist, err := s.History(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var migrated []string
	for _, h := range hist {
		if h.Action == "migrate" {
			migrated = append(migrated, h.Detail)
		}
	}
	for _, w := range []string{
		"2 cards of 5000.50 XOF rounded to 5001 XOF, as XOF has no decimals (serials Y-000000001 to Y-000000002)",
		"1 card of 0.30 XAF rounded to 1 XAF, as XAF has no decimals (serial Z-000000001)",
		"1 card of 1.49 XAF rounded to 1 XAF",
		"1 deleted card kept for undo, of 5000.50 XOF, rounded to 5001 XOF",
		"batch 9 was made as 0.25 JPY and is recorded as 1 JPY",
		"batch 4 was made as 5000.50 XOF and is recorded as 5001 XOF",
	} {
		found := false
		for _, m := range migrated {
			found = found || strings.Contains(m, w)
		}
		if !found {
			t.Errorf("no history entry says %q; the migration wrote %q", w, migrated)
		}
	}
	if len(migrated) != 7 { // Y, Z (0.30), Z (1.49), the journal's Y-3, batches 4, 5 and 9, and no others
		t.Errorf("%d history entries for the migration, want 7: %q", len(migrated), migrated)
	}
	for _, m := range migrated {
		for _, never := range []string{"USD", "KWD", "IQD", "ANG", "X-000000001"} {
			if strings.Contains(m, never) {
				t.Errorf("history entry %q names a card that kept its value", m)
			}
		}
	}
	// The file is whole and a new card of 0.500 KWD can be made.
	if err := s.Check(t.Context()); err != nil {
		t.Fatalf("check after the migration: %v", err)
	}
	b := mustGenerate(t, s, data.GenerateParams{Amount: 500, Currency: "KWD", Quantity: 1, Series: "NEW"})
	if b.Amount.String() != "0.500 KWD" {
		t.Errorf("new batch %v", b.Amount)
	}
}
