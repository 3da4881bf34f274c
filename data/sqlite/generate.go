package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"topupcards/data"
	"topupcards/data/sqlcore"
)

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PlanBatch checks p against the database and says what the batch will be.
// A plan with Refusal set is not an error here: the window shows it.
func (s *Store) PlanBatch(ctx context.Context, p data.GenerateParams) (data.Plan, error) {
	return s.plan(ctx, s.db, p)
}

func (s *Store) plan(ctx context.Context, q queryer, p data.GenerateParams) (data.Plan, error) {
	return sqlcore.PlanBatch(ctx, q, s.Now(), p)
}

// Generate makes a batch of cards in one transaction: all of them or none,
// also if the process dies midway. PINs come from crypto/rand; the unique
// index on pin rejects a collision and the card gets a fresh PIN, so a batch
// is never short. Cancelling ctx rolls the batch back.
func (s *Store) Generate(ctx context.Context, p data.GenerateParams, progress data.Progress) (data.Batch, error) {
	if err := s.writable(ctx); err != nil {
		return data.Batch{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", busy(err))
	}
	defer tx.Rollback()
	pl, err := s.plan(ctx, tx, p)
	if err != nil {
		return data.Batch{}, err
	}
	if pl.Refusal != "" {
		return data.Batch{}, errf(data.ErrGuessable, "generate: %s", pl.Refusal)
	}
	p = pl.Params
	now := s.Now()
	var resID sql.NullInt64
	if p.Reseller != "" {
		id, err := resellerID(ctx, tx, p.Reseller)
		if err != nil {
			return data.Batch{}, err
		}
		resID = sql.NullInt64{Int64: id, Valid: true}
	}
	var expires sql.NullInt64
	if !p.ExpiresAt.IsZero() {
		expires = sql.NullInt64{Int64: p.ExpiresAt.Unix(), Valid: true}
	}
	b := data.Batch{Series: p.Series, FirstNumber: pl.First.Number, Quantity: int64(p.Quantity),
		Amount: data.Money{Minor: p.Amount, Currency: p.Currency}, PINLength: p.PINLength, CheckDigit: p.CheckDigit,
		Reseller: p.Reseller, ExpiresAt: p.ExpiresAt, CreatedAt: now}
	res, err := tx.ExecContext(ctx, `INSERT INTO batches (series, first_number, quantity, amount, currency,
		pin_length, check_digit, reseller, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.Series, b.FirstNumber, b.Quantity, p.Amount, p.Currency, p.PINLength, p.CheckDigit, p.Reseller, expires, now.Unix())
	if err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	if b.ID, err = res.LastInsertId(); err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	// Ids continue above the highest ever given (deleted cards' ids are not
	// handed out again: print runs name cards by id).
	var firstID int64
	if err := tx.QueryRowContext(ctx, `SELECT max(ifnull((SELECT max(id) FROM cards), 0),
		ifnull((SELECT value FROM counters WHERE name = 'card_id'), 0)) + 1`).Scan(&firstID); err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO cards (id, series, number, pin, amount, currency, reseller_id,
		batch_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pin) DO NOTHING`)
	if err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	defer stmt.Close()
	var digits data.DigitSource
	const step = 1000
	for i := 0; i < p.Quantity; i++ {
		if i%step == 0 {
			if err := ctx.Err(); err != nil {
				return data.Batch{}, fmt.Errorf("generate: cancelled, no cards were made: %w", err)
			}
			if progress != nil {
				progress(i, p.Quantity)
			}
		}
		if err := insertCard(ctx, stmt, &digits, p, b, firstID, i, resID, expires, now); err != nil {
			return data.Batch{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE counters SET value = ? WHERE name = 'card_id'", firstID+int64(p.Quantity)-1); err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	if progress != nil {
		progress(p.Quantity, p.Quantity)
	}
	if err := s.logTx(ctx, tx, "generate", data.GenerateDetail(b, p), fmt.Sprintf("batch %d", b.ID), b.Quantity); err != nil {
		return data.Batch{}, err
	}
	if err := tx.Commit(); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return data.Batch{}, fmt.Errorf("generate: cancelled, no cards were made: %w", ctx.Err())
		}
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	return b, nil
}

// insertCard inserts card i of the batch, drawing a new PIN until the unique
// index accepts one.
func insertCard(ctx context.Context, stmt *sql.Stmt, digits *data.DigitSource, p data.GenerateParams, b data.Batch, firstID int64, i int,
	resID, expires sql.NullInt64, now time.Time) error {
	for attempt := 0; attempt < 100; attempt++ {
		pin, err := digits.PIN(p.PINLength, p.CheckDigit)
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		res, err := stmt.ExecContext(ctx, firstID+int64(i), b.Series, b.FirstNumber+int64(i), pin, p.Amount, p.Currency, resID, b.ID, expires, now.Unix())
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("generate: cancelled, no cards were made: %w", ctx.Err())
			}
			return fmt.Errorf("generate card %d: %w", i+1, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
	}
	return errf(data.ErrGuessable, "generate: 100 PINs in a row were taken; choose a longer PIN length")
}
