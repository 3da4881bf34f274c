package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ExpiryMode says what a mass edit does with the expiry date.
type ExpiryMode int

// The seed's "preserve" / "set to", plus clearing the expiry.
const (
	ExpiryPreserve ExpiryMode = iota
	ExpirySet
	ExpiryClear
)

// BlockMode says what a mass edit does with the blocked flag.
type BlockMode int

// Preserve, block (lost or stolen stock) or unblock.
const (
	BlockPreserve BlockMode = iota
	BlockSet
	BlockClear
)

// Edit is the seed's "Mass Top-up Cards Edit": each part preserves or sets.
type Edit struct {
	Expiry   ExpiryMode
	ExpireAt time.Time // with ExpirySet
	Reseller string    // "" preserves; otherwise the new owner's name
	Block    BlockMode
}

// IsNoop reports whether e changes nothing.
func (e Edit) IsNoop() bool {
	return e.Expiry == ExpiryPreserve && strings.TrimSpace(e.Reseller) == "" && e.Block == BlockPreserve
}

// Describe says in words what e does.
func (e Edit) Describe() string {
	var parts []string
	switch e.Expiry {
	case ExpirySet:
		parts = append(parts, "expiry set to "+e.ExpireAt.Local().Format("2006-01-02 15:04"))
	case ExpiryClear:
		parts = append(parts, "expiry cleared")
	}
	if r := strings.TrimSpace(e.Reseller); r != "" {
		parts = append(parts, fmt.Sprintf("reseller set to %q", r))
	}
	switch e.Block {
	case BlockSet:
		parts = append(parts, "blocked")
	case BlockClear:
		parts = append(parts, "unblocked")
	}
	return strings.Join(parts, ", ")
}

// Result says what a mass edit or delete did.
type Result struct {
	Cards    int64  // cards changed or deleted
	Snapshot string // where the snapshot taken before the change is; "" if none was needed
}

// MassEdit applies e to exactly the cards f matches, in one transaction,
// after saving a snapshot when more than one card is affected.
func (s *Store) MassEdit(ctx context.Context, f Filter, e Edit) (Result, error) {
	if err := f.Validate(); err != nil {
		return Result{}, err
	}
	if e.IsNoop() {
		return Result{}, errf(ErrInvalid, "mass edit: nothing to change; choose set to, clear, block or unblock for at least one field")
	}
	if e.Expiry == ExpirySet && e.ExpireAt.IsZero() {
		return Result{}, errf(ErrInvalid, "mass edit: expiry set to needs a date")
	}
	if e.Reseller != "" {
		if _, err := resellerID(ctx, s.db, e.Reseller); err != nil {
			return Result{}, err
		}
	}
	n, err := s.Count(ctx, f)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if n > 1 {
		if res.Snapshot, err = s.Snapshot(ctx, "edit"); err != nil {
			return Result{}, err
		}
	}
	var sets []string
	var args []any
	switch e.Expiry {
	case ExpirySet:
		sets, args = append(sets, "expires_at = ?"), append(args, e.ExpireAt.Unix())
	case ExpiryClear:
		sets = append(sets, "expires_at = NULL")
	}
	switch e.Block {
	case BlockSet:
		sets = append(sets, "blocked = 1")
	case BlockClear:
		sets = append(sets, "blocked = 0")
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if e.Reseller != "" {
			// The reseller may have been removed since the check above. Set
			// the id found by the same lookup (which tidies the name's
			// spaces), not a second lookup by the name as typed.
			id, err := resellerID(ctx, tx, e.Reseller)
			if err != nil {
				return err
			}
			sets, args = append(sets, "reseller_id = ?"), append(args, id)
		}
		where, wargs := f.where(s.Now())
		r, err := tx.ExecContext(ctx, "UPDATE cards AS c SET "+strings.Join(sets, ", ")+" WHERE "+where, append(args, wargs...)...)
		if err != nil {
			return fmt.Errorf("mass edit: %w", err)
		}
		res.Cards, _ = r.RowsAffected()
		return s.logTx(ctx, tx, "edit", fmt.Sprintf("mass edit of %d cards: %s", res.Cards, e.Describe()), f.Describe(), res.Cards)
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// Delete removes the cards f matches, after saving a snapshot. An empty
// filter is refused: deleting everything is DeleteAll, so that it is always
// asked for by name.
func (s *Store) Delete(ctx context.Context, f Filter) (Result, error) {
	if f.IsEmpty() {
		return Result{}, errf(ErrEmptyFilter, "delete: no search given, which would delete every card; give a search, or use delete all")
	}
	return s.deleteWhere(ctx, f)
}

// DeleteAll removes every card (the seed's "Delete all"), after saving a
// snapshot. Batches and the history stay, so serial numbers continue.
func (s *Store) DeleteAll(ctx context.Context) (Result, error) {
	return s.deleteWhere(ctx, Filter{})
}

func (s *Store) deleteWhere(ctx context.Context, f Filter) (Result, error) {
	if err := f.Validate(); err != nil {
		return Result{}, err
	}
	n, err := s.Count(ctx, f)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if n == 0 {
		return res, nil
	}
	if res.Snapshot, err = s.Snapshot(ctx, "delete"); err != nil {
		return Result{}, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		where, args := f.where(s.Now())
		r, err := tx.ExecContext(ctx, "DELETE FROM cards AS c WHERE "+where, args...)
		if err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		res.Cards, _ = r.RowsAffected()
		return s.logTx(ctx, tx, "delete", fmt.Sprintf("deleted %d cards; snapshot %s", res.Cards, res.Snapshot), f.Describe(), res.Cards)
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}
