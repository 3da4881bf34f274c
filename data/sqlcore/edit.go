package sqlcore

import (
	"context"
	"errors"
	"fmt"

	"topupcards/data"
)

// MassEdit applies e to exactly the cards f matches, in one transaction
// that also records the prior values of those cards in the undo journal.
func (c *Core) MassEdit(ctx context.Context, f data.Filter, e data.Edit) (data.Result, error) {
	if err := f.Validate(); err != nil {
		return data.Result{}, err
	}
	if e.IsNoop() {
		return data.Result{}, errf(data.ErrInvalid, "mass edit: nothing to change; choose set to, clear, block or unblock for at least one field")
	}
	if e.Expiry == data.ExpirySet && e.ExpireAt.IsZero() {
		return data.Result{}, errf(data.ErrInvalid, "mass edit: expiry set to needs a date")
	}
	if e.Reseller != "" {
		if _, err := ResellerID(ctx, c.b.Pool, e.Reseller); err != nil {
			return data.Result{}, err
		}
	}
	// The new value of each field an edit can change, as SQL over the card
	// c: what the journal records as "after" and what the UPDATE sets.
	newExpiry, newReseller, newBlocked := "c.expires_at", "c.reseller_id", "c.blocked"
	var newArgs []any
	switch e.Expiry {
	case data.ExpirySet:
		newExpiry, newArgs = "CAST(? AS BIGINT)", append(newArgs, e.ExpireAt.Unix())
	case data.ExpiryClear:
		newExpiry = "NULL"
	}
	switch e.Block {
	case data.BlockSet:
		newBlocked = "CAST(1 AS SMALLINT)"
	case data.BlockClear:
		newBlocked = "CAST(0 AS SMALLINT)"
	}
	var res data.Result
	err := c.b.InTx(ctx, func(tx Tx) error {
		args := newArgs
		if e.Reseller != "" {
			// The reseller may have been removed since the check above. Set
			// the id found by the same lookup (which tidies the name's
			// spaces), not a second lookup by the name as typed.
			id, err := ResellerID(ctx, tx, e.Reseller)
			if err != nil {
				return err
			}
			newReseller, args = "CAST(? AS BIGINT)", append(args[:len(args):len(args)], id)
		}
		now := c.b.Now()
		op, err := c.beginOp(ctx, tx, now, "edit", f.Describe())
		if err != nil {
			return err
		}
		where, wargs := c.b.Where(f, now)
		r, err := tx.ExecContext(ctx, `INSERT INTO undo_cards (op_id, card_id, deleted, expires_at, reseller_id, blocked,
				new_expires_at, new_reseller_id, new_blocked)
			SELECT CAST(? AS BIGINT), c.id, 0, c.expires_at, c.reseller_id, c.blocked, `+newExpiry+`, `+newReseller+`, `+newBlocked+`
			FROM cards c WHERE `+where, append(append([]any{op}, args...), wargs...)...)
		if err != nil {
			return fmt.Errorf("mass edit: %w", err)
		}
		if res.Cards, err = r.RowsAffected(); err != nil {
			return fmt.Errorf("mass edit: %w", err)
		}
		if res.Cards == 0 {
			return errNothing
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cards SET expires_at = u.new_expires_at, reseller_id = u.new_reseller_id,
				blocked = u.new_blocked
			FROM undo_cards u WHERE u.op_id = ? AND u.card_id = cards.id`, op); err != nil {
			return fmt.Errorf("mass edit: %w", err)
		}
		res.Op = op
		return c.endOp(ctx, tx, op, fmt.Sprintf("mass edit of %d cards: %s", res.Cards, e.Describe()), res.Cards)
	})
	if errors.Is(err, errNothing) {
		return data.Result{}, nil
	}
	if err != nil {
		return data.Result{}, err
	}
	return res, nil
}

// Delete removes the cards f matches; the undo journal keeps them whole. An
// empty filter is refused: deleting everything is DeleteAll, so that it is
// always asked for by name.
func (c *Core) Delete(ctx context.Context, f data.Filter) (data.Result, error) {
	if f.IsEmpty() {
		return data.Result{}, errf(data.ErrEmptyFilter, "delete: no search given, which would delete every card; give a search, or use delete all")
	}
	return c.deleteWhere(ctx, f, "delete")
}

// DeleteAll removes every card (the seed's "Delete all"); the undo journal
// keeps them whole. Batches and the history stay, so serial numbers
// continue.
func (c *Core) DeleteAll(ctx context.Context) (data.Result, error) {
	return c.deleteWhere(ctx, data.Filter{}, "delete all")
}

func (c *Core) deleteWhere(ctx context.Context, f data.Filter, action string) (data.Result, error) {
	if err := f.Validate(); err != nil {
		return data.Result{}, err
	}
	var res data.Result
	err := c.b.InTx(ctx, func(tx Tx) error {
		now := c.b.Now()
		op, err := c.beginOp(ctx, tx, now, action, f.Describe())
		if err != nil {
			return err
		}
		where, args := c.b.Where(f, now)
		r, err := tx.ExecContext(ctx, `INSERT INTO undo_cards (op_id, card_id, deleted, series, number, pin, amount, currency,
				reseller_id, batch_id, expires_at, created_at, activated_at, activated_by, blocked, printed)
			SELECT CAST(? AS BIGINT), c.id, 1, c.series, c.number, c.pin, c.amount, c.currency, c.reseller_id, c.batch_id, c.expires_at,
				c.created_at, c.activated_at, c.activated_by, c.blocked, c.printed
			FROM cards c WHERE `+where, append([]any{op}, args...)...)
		if err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		if res.Cards, err = r.RowsAffected(); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		if res.Cards == 0 {
			return errNothing
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM cards WHERE id IN (SELECT card_id FROM undo_cards WHERE op_id = ?)", op); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		res.Op = op
		return c.endOp(ctx, tx, op, fmt.Sprintf("deleted %d cards", res.Cards), res.Cards)
	})
	if errors.Is(err, errNothing) {
		return data.Result{}, nil
	}
	if err != nil {
		return data.Result{}, err
	}
	return res, nil
}
