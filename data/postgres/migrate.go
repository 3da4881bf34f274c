package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"topupcards/data"

	"github.com/jackc/pgx/v5"
)

// importTables are the tables a move from a file copies, in an order that
// keeps every reference valid (cards after resellers and batches, the undo
// journal after the history it belongs to).
var importTables = []string{"resellers", "batches", "cards", "redemptions", "history", "undo_cards",
	"print_runs", "print_run_cards", "templates", "reseller_templates", "meta"}

// ImportResult says what a move copied.
type ImportResult struct {
	Rows   map[string]int64     // rows copied per table
	Totals []data.CurrencyTotal // the cards' face value per currency, equal on both sides
}

// Import copies everything src holds (cards, batches, resellers, the ledger
// of redemptions, the history, the undo journal, print runs, the voucher
// templates and each reseller's template, and the journal setting) into the
// database at url, in one transaction on the server. Before
// it commits it checks that the server holds as many rows of each table as
// src handed over and the same count and face value of cards per currency,
// redeemed or not; any difference rolls everything back. A database that
// already holds cards, batches or templates is refused; an empty one gets
// the schema.
func Import(ctx context.Context, url string, src data.Dumper) (ImportResult, error) {
	s, err := Open(ctx, url)
	if err != nil {
		return ImportResult{}, err
	}
	defer s.Close()
	conn, err := pgx.ConnectConfig(ctx, s.config.Copy())
	if err != nil {
		return ImportResult{}, s.unreachable(err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return ImportResult{}, s.unreachable(err)
	}
	defer tx.Rollback(context.Background())
	// No other desk writes while the cards move in.
	if _, err := tx.Exec(ctx, "LOCK TABLE cards, batches, templates IN EXCLUSIVE MODE"); err != nil {
		return ImportResult{}, fmt.Errorf("migrate: %w", permission(err))
	}
	var held int64
	if err := tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM cards) + (SELECT count(*) FROM batches) + (SELECT count(*) FROM templates)").Scan(&held); err != nil {
		return ImportResult{}, fmt.Errorf("migrate: %w", err)
	}
	if held > 0 {
		return ImportResult{}, data.NewError(data.ErrDuplicate,
			"migrate: %s already holds cards, batches or templates; move into an empty database (createdb, then topupcards setup-postgres)", s.shown)
	}
	im := &importer{tx: tx, res: ImportResult{Rows: map[string]int64{}}, sums: map[string]*data.CurrencyTotal{}}
	if err := src.Dump(ctx, importTables, im.row); err != nil {
		return ImportResult{}, err
	}
	if err := im.flush(ctx); err != nil {
		return ImportResult{}, err
	}
	if err := im.finish(ctx); err != nil {
		return ImportResult{}, err
	}
	if err := im.check(ctx, s.shown); err != nil {
		return ImportResult{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return ImportResult{}, fmt.Errorf("migrate: %w", err)
	}
	return im.res, nil
}

// importer copies rows as src hands them over, a table at a time.
type importer struct {
	tx      pgx.Tx
	res     ImportResult
	sums    map[string]*data.CurrencyTotal // from src's cards
	table   string
	columns []string // src's columns that the server's table has too
	pick    []int    // their positions in src's rows
	extra   []any    // values of columns src lacks (history.by: unknown)
	rows    [][]any
}

// row takes one row of src's table.
func (im *importer) row(table string, columns []string, row []any) error {
	ctx := context.Background()
	if table != im.table {
		if err := im.flush(ctx); err != nil {
			return err
		}
		if err := im.begin(ctx, table, columns); err != nil {
			return err
		}
	}
	if table == "cards" {
		im.sum(columns, row)
	}
	vals := make([]any, len(im.pick), len(im.pick)+len(im.extra))
	for i, p := range im.pick {
		vals[i] = row[p]
	}
	vals = append(vals, im.extra...)
	im.rows = append(im.rows, vals)
	im.res.Rows[table]++
	if len(im.rows) >= 5000 {
		return im.flush(ctx)
	}
	return nil
}

// begin starts a table: the columns both sides have.
func (im *importer) begin(ctx context.Context, table string, columns []string) error {
	rows, err := im.tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name = $1`, table)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", table, err)
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("migrate %s: %w", table, err)
	}
	im.table, im.columns, im.pick, im.extra = table, nil, nil, nil
	for i, c := range columns {
		if slices.Contains(have, c) {
			im.columns = append(im.columns, c)
			im.pick = append(im.pick, i)
		}
	}
	if table == "history" && !slices.Contains(columns, "by") {
		// Who made the file's older changes is not known: not the person
		// moving it.
		im.columns, im.extra = append(im.columns, "by"), []any{""}
	}
	return nil
}

// sum adds a card of src to the totals per currency.
func (im *importer) sum(columns []string, row []any) {
	col := func(name string) any { return row[slices.Index(columns, name)] }
	cur, _ := col("currency").(string)
	amount, _ := col("amount").(int64)
	t := im.sums[cur]
	if t == nil {
		t = &data.CurrencyTotal{Currency: cur}
		im.sums[cur] = t
	}
	t.Cards++
	t.Face += amount
	if col("activated_at") == nil {
		t.Unredeemed += amount
	}
}

// flush writes the rows taken so far: COPY, except where a row may exist
// already (the ledger, which the cards' trigger fills; the settings).
func (im *importer) flush(ctx context.Context) error {
	if len(im.rows) == 0 {
		return nil
	}
	rows := im.rows
	im.rows = nil
	switch im.table {
	case "redemptions", "meta":
		for _, r := range rows {
			q := "INSERT INTO " + im.table + " (" + strings.Join(im.columns, ", ") + ") VALUES (" + placeholders(len(r)) + ")"
			if im.table == "meta" {
				q += " ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.key = 'journal_days'"
			} else {
				q += " ON CONFLICT DO NOTHING"
			}
			if _, err := im.tx.Exec(ctx, q, r...); err != nil {
				return fmt.Errorf("migrate %s: %w", im.table, err)
			}
		}
		return nil
	}
	n, err := im.tx.CopyFrom(ctx, pgx.Identifier{im.table}, im.columns, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("migrate %s: %w", im.table, err)
	}
	if n != int64(len(rows)) {
		return fmt.Errorf("migrate %s: %d of %d rows copied", im.table, n, len(rows))
	}
	return nil
}

func placeholders(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(p, ", ")
}

// finish moves the server's id counters past the ids copied, so that new
// rows never take an old id (print runs name cards by id).
func (im *importer) finish(ctx context.Context) error {
	for _, t := range []string{"resellers", "batches", "history", "print_runs", "templates"} {
		if _, err := im.tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'),
			greatest((SELECT max(id) FROM %s), 1), (SELECT max(id) FROM %s) IS NOT NULL)`, t, t, t)); err != nil {
			return fmt.Errorf("migrate %s: %w", t, err)
		}
	}
	// Deleted cards' ids stay used: the file's journal and print runs name them.
	_, err := im.tx.Exec(ctx, `SELECT setval('card_ids', greatest(
		coalesce((SELECT max(id) FROM cards), 0), coalesce((SELECT max(card_id) FROM undo_cards), 0),
		coalesce((SELECT max(card_id) FROM print_run_cards), 0), 1))`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// check compares what the server holds now with what src handed over.
func (im *importer) check(ctx context.Context, shown string) error {
	for t, n := range im.res.Rows {
		var got int64
		if err := im.tx.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{t}.Sanitize()).Scan(&got); err != nil {
			return fmt.Errorf("migrate: check %s: %w", t, err)
		}
		if t == "meta" || t == "redemptions" {
			continue // rows the server had or made itself are fine
		}
		if got != n {
			return fmt.Errorf("migrate: %s holds %d rows of %s after the copy, the file %d; nothing was committed", shown, got, t, n)
		}
	}
	rows, err := im.tx.Query(ctx, `SELECT currency, count(*), sum(amount)::bigint,
		coalesce(sum(amount) FILTER (WHERE activated_at IS NULL), 0)::bigint FROM cards GROUP BY currency ORDER BY currency`)
	if err != nil {
		return fmt.Errorf("migrate: check: %w", err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (data.CurrencyTotal, error) {
		var t data.CurrencyTotal
		err := r.Scan(&t.Currency, &t.Cards, &t.Face, &t.Unredeemed)
		return t, err
	})
	if err != nil {
		return fmt.Errorf("migrate: check: %w", err)
	}
	var want []data.CurrencyTotal
	for _, t := range im.sums {
		want = append(want, *t)
	}
	slices.SortFunc(want, func(a, b data.CurrencyTotal) int { return strings.Compare(a.Currency, b.Currency) })
	if !slices.Equal(got, want) {
		return fmt.Errorf("migrate: the cards' totals differ (file %+v, server %+v); nothing was committed", want, got)
	}
	// Every redeemed card of the file is redeemed in the server's ledger.
	var unledgered int64
	if err := im.tx.QueryRow(ctx, `SELECT count(*) FROM cards c WHERE c.activated_at IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.card_id = c.id)`).Scan(&unledgered); err != nil {
		return fmt.Errorf("migrate: check: %w", err)
	}
	if unledgered > 0 {
		return fmt.Errorf("migrate: %d redeemed cards are missing from the ledger; nothing was committed", unledgered)
	}
	im.res.Totals = got
	return nil
}
