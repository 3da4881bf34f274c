// Package sqlcore is what the SQLite and the PostgreSQL store share: the
// statements that read and write the same tables the same way on both
// (the undo journal, mass edit and delete, the history, resellers, voucher
// templates, print runs), written once. Each store gives it a Backend: its
// pool and transactions, its clock, its reading of a Filter as SQL and
// the few expressions its SQL spells differently (Dialect).
//
// Every query here is written with SQLite's placeholders (? in order, or
// ?N); the PostgreSQL store numbers them for the server as it runs them.
// What both databases accept is used: coalesce, IS DISTINCT FROM, CAST,
// RETURNING, UPDATE … FROM, string_agg with ORDER BY (SQLite 3.44).
package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"topupcards/data"
)

// Tx is a store's pool or one of its transactions.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	RowQueryer
}

// RowQueryer reads one row, from a pool or a transaction.
type RowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Dialect is the SQL the two databases spell differently.
type Dialect struct {
	// Serial is the text "SERIES-000000042" of the series and number
	// expressions given.
	Serial func(series, number string) string
}

// Backend is what a store gives the shared code.
type Backend struct {
	// Pool reads outside a transaction.
	Pool Tx
	// InTx runs fn in one write transaction and commits it, or returns
	// fn's error with nothing written.
	InTx func(ctx context.Context, fn func(tx Tx) error) error
	// Now is the store's clock, in whole seconds.
	Now func() time.Time
	// Where is the condition over cards c (LEFT JOIN resellers r) that
	// matches the cards of f at time now, with its arguments.
	Where func(f data.Filter, now time.Time) (string, []any)
	// IsUnique tells a unique index's refusal from other errors.
	IsUnique func(err error) bool
	// User is who the history records as making a change; "" leaves it
	// to the database (PostgreSQL's column default, the login).
	User string
	Dialect
}

// Core is the shared part of a store; a store embeds it, and its methods
// are the store's.
type Core struct{ b Backend }

// New returns the shared part of a store over b.
func New(b Backend) *Core { return &Core{b: b} }

// errNothing rolls back an operation that matched no card: nothing is
// written, not even a history entry.
var errNothing = errors.New("nothing to change")

// Log writes one history entry inside tx (InsertHistory) by the store's
// user.
func (c *Core) Log(ctx context.Context, tx Tx, at time.Time, action, detail, filter string, cards int64) error {
	_, err := InsertHistory(ctx, tx, c.b.User, at, action, detail, filter, cards, 0)
	return err
}

// InsertHistory is the one place that writes a history entry, and returns
// its id. Whatever it is given, the entry never holds a whole PIN: every
// "PIN 1234 5678 9012" in the texts is masked to its last four digits
// (data.MaskPINs). undoOf is the operation an undo takes back (0: none);
// by is who made the change ("": the column's default).
func InsertHistory(ctx context.Context, tx Tx, by string, at time.Time, action, detail, filter string, cards, undoOf int64) (int64, error) {
	var of any
	if undoOf != 0 {
		of = undoOf
	}
	cols, vals := "", ""
	args := []any{at.Unix(), action, data.MaskPINs(detail), data.MaskPINs(filter), cards, of}
	if by != "" {
		cols, vals, args = ", by", ", ?", append(args, by)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, "INSERT INTO history (at, action, detail, filter, cards, undo_of"+cols+
		") VALUES (?, ?, ?, ?, ?, ?"+vals+") RETURNING id", args...).Scan(&id); err != nil {
		return 0, fmt.Errorf("write history: %w", err)
	}
	return id, nil
}

// ResellerID finds the reseller called name (any case, spaces tidied).
func ResellerID(ctx context.Context, q RowQueryer, name string) (int64, error) {
	n, err := data.CleanName(name)
	if err != nil {
		return 0, err
	}
	var id int64
	err = q.QueryRowContext(ctx, "SELECT id FROM resellers WHERE name_key = casefold(?)", n).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, data.NewError(data.ErrNotFound, "no reseller named %q; add it first (Resellers, or `topupcards resellers add`)", n)
	}
	if err != nil {
		return 0, fmt.Errorf("find reseller: %w", err)
	}
	return id, nil
}

func errf(kind error, format string, a ...any) error { return data.NewError(kind, format, a...) }
