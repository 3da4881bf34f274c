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

// Redeem activates the card with the given PIN (spaces and dashes ignored)
// for client: the customer's "Redeem Voucher". The activation is ONE guarded
// UPDATE, so of many concurrent attempts on one PIN, in one process or many,
// exactly one succeeds.
//
// On success it returns the card as activated. Otherwise the error says why,
// testable with errors.Is: ErrNotFound, ErrTypo (the check digit is wrong),
// ErrAlreadyRedeemed (the card says by whom and when), ErrExpired or
// ErrBlocked; the card is returned where one was found.
func (s *Store) Redeem(ctx context.Context, pin, client string) (data.Card, error) {
	p, who, err := data.RedeemInput(pin, client)
	if err != nil {
		return data.Card{}, err
	}
	var card data.Card
	var outcome error
	err = s.inTx(ctx, func(tx *txn) error {
		now := s.Now()
		var id sql.NullInt64
		var result string
		if err := tx.QueryRowContext(ctx, "SELECT card_id, outcome FROM topupcards_redeem(?, ?, ?)", p, who, now.Unix()).
			Scan(&id, &result); err != nil {
			return fmt.Errorf("redeem: %w", err)
		}
		if id.Valid {
			var err error
			if card, err = cardByID(ctx, tx, id.Int64); err != nil {
				return err
			}
		}
		if result == "redeemed" {
			return logRedeem(ctx, tx, card.ActivatedAt, "redeem", fmt.Sprintf("redeemed %s on card %s for %s", card.Amount, card.Serial, who),
				"PIN "+data.GroupPIN(p), 1)
		}
		card, outcome = whyNot(ctx, tx, p, card, result)
		if card.ID == 0 && !errors.Is(outcome, data.ErrNotFound) && !errors.Is(outcome, data.ErrTypo) {
			return outcome // a database error
		}
		return logRedeem(ctx, tx, now, "redeem refused", fmt.Sprintf("refused to redeem for %s: %v", who, outcome), "PIN "+data.GroupPIN(p), 0)
	})
	if err != nil {
		return data.Card{}, err
	}
	return card, outcome
}

// logRedeem writes a redemption's history entry through
// topupcards_log_redeem (a cashier may write these entries and no other).
func logRedeem(ctx context.Context, tx *txn, at time.Time, action, detail, filter string, cards int64) error {
	var id int64
	if err := tx.QueryRowContext(ctx, "SELECT topupcards_log_redeem(?, ?, ?, ?, ?)",
		at.Unix(), action, data.MaskPINs(detail), data.MaskPINs(filter), cards).Scan(&id); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// whyNot explains the outcome of a redemption that did not happen: the
// card c the server found (none: c.ID is 0) and its word for why.
func whyNot(ctx context.Context, tx *txn, pin string, c data.Card, result string) (data.Card, error) {
	if c.ID == 0 {
		return data.Card{}, sqlcore.UnknownPIN(ctx, tx, pin)
	}
	return c, data.RedeemRefusal(c, data.Status(result))
}
