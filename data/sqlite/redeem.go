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
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE cards SET activated_at = ?, activated_by = ?
			WHERE pin = ? AND activated_at IS NULL AND blocked = 0 AND (expires_at IS NULL OR expires_at > ?)
			RETURNING id`, now.Unix(), who, p, now.Unix()).Scan(&id)
		switch {
		case err == nil:
			card, err = cardByID(ctx, tx, id)
			if err != nil {
				return err
			}
			return s.logTx(ctx, tx, "redeem", fmt.Sprintf("redeemed %s on card %s for %s", card.Amount, card.Serial, who),
				"PIN "+data.GroupPIN(p), 1)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("redeem: %w", err)
		}
		card, outcome = s.whyNot(ctx, tx, p, now)
		if card.ID == 0 && !errors.Is(outcome, data.ErrNotFound) && !errors.Is(outcome, data.ErrTypo) {
			return outcome // a database error
		}
		return s.logTx(ctx, tx, "redeem refused", fmt.Sprintf("refused to redeem for %s: %v", who, outcome), "PIN "+data.GroupPIN(p), 0)
	})
	if err != nil {
		return data.Card{}, err
	}
	return card, outcome
}

// whyNot explains why the guarded UPDATE matched no card.
func (s *Store) whyNot(ctx context.Context, tx *sql.Tx, pin string, now time.Time) (data.Card, error) {
	c, err := scanCard(tx.QueryRowContext(ctx, "SELECT "+cardColumns+cardFrom+" WHERE c.pin = ?", pin))
	if errors.Is(err, sql.ErrNoRows) {
		return data.Card{}, sqlcore.UnknownPIN(ctx, tx, pin)
	}
	if err != nil {
		return data.Card{}, fmt.Errorf("redeem: %w", err)
	}
	return c, data.RedeemRefusal(c, c.StatusAt(now))
}

// Card returns the card with the given id.
func (s *Store) Card(ctx context.Context, id int64) (data.Card, error) {
	return cardByID(ctx, s.db, id)
}

func cardByID(ctx context.Context, q queryer, id int64) (data.Card, error) {
	c, err := scanCard(q.QueryRowContext(ctx, "SELECT "+cardColumns+cardFrom+" WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return data.Card{}, errf(data.ErrNotFound, "card %d", id)
	}
	if err != nil {
		return data.Card{}, fmt.Errorf("load card: %w", err)
	}
	return c, nil
}
