package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"topupcards/data"
	"topupcards/data/sqlcore"
)

// PlanBatch checks p against the database and says what the batch will be.
// A plan with Refusal set is not an error here: the window shows it.
func (s *Store) PlanBatch(ctx context.Context, p data.GenerateParams) (data.Plan, error) {
	return s.plan(ctx, s.db, p)
}

func (s *Store) plan(ctx context.Context, q queryer, p data.GenerateParams) (data.Plan, error) {
	return sqlcore.PlanBatch(ctx, q, s.Now(), p)
}

// chunk is how many cards one INSERT sends.
const chunk = 2000

// Generate makes a batch of cards in one transaction: all of them or none.
// Two desks generating in the same series at once queue on a lock of that
// series (taken before the next serial is read, held to the commit), so
// their serial ranges never overlap. PINs come from crypto/rand; the unique
// index on pin turns a collision (with any desk's card) into a fresh draw,
// so a batch is never short. Cancelling ctx rolls the batch back.
func (s *Store) Generate(ctx context.Context, p data.GenerateParams, progress data.Progress) (data.Batch, error) {
	var b data.Batch
	err := s.inTx(ctx, func(tx *txn) error {
		if _, err := p.Normalize(s.Now()); err != nil {
			return err
		}
		if series, err := data.ParseSeries(p.Series); err == nil {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('topupcards series ' || ?, 0))", series); err != nil {
				return fmt.Errorf("generate: %w", err)
			}
		}
		pl, err := s.plan(ctx, tx, p)
		if err != nil {
			return err
		}
		if pl.Refusal != "" {
			return errf(data.ErrGuessable, "generate: %s", pl.Refusal)
		}
		b, err = s.insertBatch(ctx, tx, pl, progress)
		return err
	})
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return data.Batch{}, fmt.Errorf("generate: cancelled, no cards were made: %w", ctx.Err())
		}
		return data.Batch{}, err
	}
	return b, nil
}

// insertBatch writes the batch row, its cards and its history entry.
func (s *Store) insertBatch(ctx context.Context, tx *txn, pl data.Plan, progress data.Progress) (data.Batch, error) {
	p := pl.Params
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
	check := 0
	if p.CheckDigit {
		check = 1
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO batches (series, first_number, quantity, amount, currency,
		pin_length, check_digit, reseller, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.Series, b.FirstNumber, b.Quantity, p.Amount, p.Currency, p.PINLength, check, p.Reseller, expires, now.Unix()).Scan(&b.ID); err != nil {
		return data.Batch{}, fmt.Errorf("generate: %w", err)
	}
	var digits data.DigitSource
	for done := 0; done < p.Quantity; done += chunk {
		if err := ctx.Err(); err != nil {
			return data.Batch{}, fmt.Errorf("generate: cancelled, no cards were made: %w", err)
		}
		if progress != nil {
			progress(done, p.Quantity)
		}
		numbers := make([]int64, 0, chunk)
		for i := done; i < min(done+chunk, p.Quantity); i++ {
			numbers = append(numbers, b.FirstNumber+int64(i))
		}
		if err := insertCards(ctx, tx, &digits, p, b, numbers, resID, expires, now); err != nil {
			return data.Batch{}, err
		}
	}
	if progress != nil {
		progress(p.Quantity, p.Quantity)
	}
	return b, s.logTx(ctx, tx, "generate", data.GenerateDetail(b, p), fmt.Sprintf("batch %d", b.ID), b.Quantity)
}

// insertCards inserts the cards of the given serial numbers, drawing new
// PINs for those whose PIN was taken until the unique index accepts all.
func insertCards(ctx context.Context, tx *txn, digits *data.DigitSource, p data.GenerateParams, b data.Batch, numbers []int64,
	resID, expires sql.NullInt64, now time.Time) error {
	for attempt := 0; len(numbers) > 0; attempt++ {
		if attempt == 100 {
			return errf(data.ErrGuessable, "generate: 100 PINs in a row were taken; choose a longer PIN length")
		}
		pins := make([]string, len(numbers))
		for i := range pins {
			pin, err := digits.PIN(p.PINLength, p.CheckDigit)
			if err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			pins[i] = pin
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO cards (series, number, pin, amount, currency, reseller_id,
				batch_id, expires_at, created_at)
			SELECT ?, t.n, t.p, ?, ?, ?, ?, ?, ? FROM unnest(?::bigint[], ?::text[]) AS t(n, p)
			ON CONFLICT (pin) DO NOTHING RETURNING number`,
			b.Series, p.Amount, p.Currency, resID, b.ID, expires, now.Unix(), numbers, pins)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("generate: cancelled, no cards were made: %w", ctx.Err())
			}
			return fmt.Errorf("generate: %w", err)
		}
		made := make(map[int64]bool, len(numbers))
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return fmt.Errorf("generate: %w", err)
			}
			made[n] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		left := numbers[:0]
		for _, n := range numbers {
			if !made[n] {
				left = append(left, n)
			}
		}
		numbers = left
	}
	return nil
}
