package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
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
	p, err := data.NormalizePIN(pin)
	if err != nil {
		return data.Card{}, err
	}
	if err := data.CheckText("client name", client); err != nil {
		return data.Card{}, err
	}
	who := strings.Join(strings.Fields(client), " ")
	if who == "" {
		return data.Card{}, errf(data.ErrInvalid, "client name is empty; say who redeems the card")
	}
	if len([]rune(who)) > 200 {
		return data.Card{}, errf(data.ErrInvalid, "client name is longer than 200 characters")
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
		card, outcome = s.whyNot(ctx, tx, p, card, result, now)
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
func (s *Store) whyNot(ctx context.Context, tx *txn, pin string, c data.Card, result string, now time.Time) (data.Card, error) {
	if c.ID == 0 {
		// A typo only when every batch that could hold the PIN (its length)
		// has a check digit: one without could hold it as it is.
		var checked, unchecked int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE check_digit = 1), count(*) FILTER (WHERE check_digit = 0)
			FROM batches WHERE pin_length = ?`, len(pin)).Scan(&checked, &unchecked); err != nil {
			return data.Card{}, fmt.Errorf("redeem: %w", err)
		}
		if checked > 0 && unchecked == 0 && !data.LuhnValid(pin) {
			return data.Card{}, errf(data.ErrTypo, "redeem PIN %s: a digit is mistyped (the check digit does not match); read the card again", data.GroupPIN(pin))
		}
		return data.Card{}, errf(data.ErrNotFound, "redeem PIN %s: no card has this PIN; check the digits", data.GroupPIN(pin))
	}
	switch result {
	case "activated":
		return c, errf(data.ErrAlreadyRedeemed, "card %s was already activated by %s on %s", c.Serial, c.ActivatedBy, data.Plain.Timestamp(c.ActivatedAt))
	case "blocked":
		return c, errf(data.ErrBlocked, "card %s is blocked (reported lost or stolen); it cannot be redeemed", c.Serial)
	case "expired":
		return c, errf(data.ErrExpired, "card %s expired on %s", c.Serial, data.Plain.Timestamp(c.ExpiresAt))
	}
	// The card became redeemable between the UPDATE and this look: the
	// UPDATE is what counts, so say it was not redeemed and let them retry.
	return c, errf(data.ErrInvalid, "card %s changed while redeeming; try again", c.Serial)
}
