package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"topupcards/data"
)

// Reader is data.Reader over one read transaction.
type Reader struct {
	v view
}

// Read calls fn with a Reader over one read transaction and ends the
// transaction when fn returns, returning fn's error.
//
// The transaction is DEFERRED and only reads: with the database in WAL
// mode it takes no write lock, so redemptions, edits and new batches go on
// while fn runs (they are not seen through r). The store's connections
// begin write transactions IMMEDIATE; a read-only transaction is the one
// kind the driver begins plainly.
func (s *Store) Read(ctx context.Context, fn func(r data.Reader) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read cards: %w", busy(err))
	}
	defer tx.Rollback()
	// SQLite takes the snapshot at the first read, not at BEGIN: read now,
	// so that the snapshot and the time r.Now are taken together.
	var some bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM cards)").Scan(&some); err != nil {
		return fmt.Errorf("read cards: %w", busy(err))
	}
	return fn(&Reader{v: view{q: tx, now: s.Now()}})
}

// Now is the time the reader derives statuses at (UTC, whole seconds).
func (r *Reader) Now() time.Time { return r.v.now }

// Summarize is Store.Summarize in the reader's state.
func (r *Reader) Summarize(ctx context.Context, f data.Filter) (data.Summary, error) {
	return r.v.summarize(ctx, f)
}

// Count is Store.Count in the reader's state.
func (r *Reader) Count(ctx context.Context, f data.Filter) (int64, error) { return r.v.count(ctx, f) }

// Each is Store.Each in the reader's state: every page comes from the same
// state, so two passes over the same filter see the same cards in the same
// order.
func (r *Reader) Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	return r.v.each(ctx, f, o, fn)
}

// StatusTotals counts the cards f matches and their face value per status
// (at r.Now) and currency.
func (r *Reader) StatusTotals(ctx context.Context, f data.Filter) ([]data.StatusTotal, error) {
	return r.v.statusTotals(ctx, f)
}
