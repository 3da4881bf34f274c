package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
)

// RecordPrintRun records that the cards f matches were printed as run
// describes (Format, Layout, Path; Filter in words, or "" for f.Describe()),
// in one transaction: the run, its cards, one more print on every card
// (Card.Printed) and a history entry, or none of these. It returns the run
// with its ID, At (the store's clock), Cards and Reprints.
//
// The exporter reads the cards (Card.Printed > 0: mark the tile REPRINT),
// writes the file, then records the run with the same filter. The status
// filter depends on the time; to record exactly the cards written, pass
// Filter{IDs: ids} of the written cards and the search's words as
// run.Filter.
func (c *Core) RecordPrintRun(ctx context.Context, f data.Filter, run data.PrintRun) (data.PrintRun, error) {
	if err := f.Validate(); err != nil {
		return data.PrintRun{}, err
	}
	switch strings.ToLower(strings.TrimSpace(run.Format)) {
	case data.PrintPDF:
		run.Format = data.PrintPDF
	case data.PrintXLSX:
		run.Format = data.PrintXLSX
	default:
		return data.PrintRun{}, errf(data.ErrInvalid, "print run: format %q: a voucher sheet is a pdf or an xlsx file", run.Format)
	}
	run.Layout = strings.TrimSpace(run.Layout)
	if strings.TrimSpace(run.Path) == "" {
		return data.PrintRun{}, errf(data.ErrInvalid, "print run: no file given; say where the voucher sheets were written")
	}
	if run.Filter == "" {
		run.Filter = f.Describe()
	}
	// One time for every statement: the status filter depends on it, and
	// the run and its history entry carry it.
	now := c.b.Now()
	run.At = now
	where, args := c.b.Where(f, now)
	err := c.b.InTx(ctx, func(tx Tx) error {
		if err := tx.QueryRowContext(ctx, "INSERT INTO print_runs (at, format, layout, path, filter) VALUES (?, ?, ?, ?, ?) RETURNING id",
			now.Unix(), run.Format, run.Layout, run.Path, run.Filter).Scan(&run.ID); err != nil {
			return fmt.Errorf("record print run: %w", err)
		}
		// Reprints are counted before this run marks the cards.
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM cards c WHERE "+where+" AND c.printed > 0", args...).
			Scan(&run.Reprints); err != nil {
			return fmt.Errorf("record print run: %w", err)
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO print_run_cards (run_id, card_id) SELECT CAST(? AS BIGINT), c.id FROM cards c WHERE "+where,
			append([]any{run.ID}, args...)...)
		if err != nil {
			return fmt.Errorf("record print run: %w", err)
		}
		if run.Cards, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("record print run: %w", err)
		}
		res, err = tx.ExecContext(ctx, "UPDATE cards AS c SET printed = printed + 1 WHERE "+where, args...)
		if err != nil {
			return fmt.Errorf("record print run: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != run.Cards {
			return fmt.Errorf("record print run: %d cards recorded but %d marked printed (%v)", run.Cards, n, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE print_runs SET cards = ?, reprints = ? WHERE id = ?",
			run.Cards, run.Reprints, run.ID); err != nil {
			return fmt.Errorf("record print run: %w", err)
		}
		return c.Log(ctx, tx, now, "print run", run.Describe(), run.Filter, run.Cards)
	})
	if err != nil {
		return data.PrintRun{}, err
	}
	return run, nil
}

// PrintRuns returns the newest limit print runs, newest first (limit <= 0:
// 50).
func (c *Core) PrintRuns(ctx context.Context, limit int) ([]data.PrintRun, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := c.b.Pool.QueryContext(ctx, `SELECT id, at, format, layout, path, filter, cards, reprints
		FROM print_runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read print runs: %w", err)
	}
	defer rows.Close()
	var out []data.PrintRun
	for rows.Next() {
		var r data.PrintRun
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.Format, &r.Layout, &r.Path, &r.Filter, &r.Cards, &r.Reprints); err != nil {
			return nil, fmt.Errorf("read print runs: %w", err)
		}
		r.At = time.Unix(at, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// PrintRunCards returns the ids of the cards printed in run runID, in
// ascending order. Cards deleted since are still listed (the sheets exist);
// CardsByID skips them. An unknown run is data.ErrNotFound.
func (c *Core) PrintRunCards(ctx context.Context, runID int64) ([]int64, error) {
	var one int
	err := c.b.Pool.QueryRowContext(ctx, "SELECT 1 FROM print_runs WHERE id = ?", runID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errf(data.ErrNotFound, "print run %d: there is no such print run", runID)
	}
	if err != nil {
		return nil, fmt.Errorf("read print run: %w", err)
	}
	rows, err := c.b.Pool.QueryContext(ctx, "SELECT card_id FROM print_run_cards WHERE run_id = ? ORDER BY card_id", runID)
	if err != nil {
		return nil, fmt.Errorf("read print run: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read print run: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
