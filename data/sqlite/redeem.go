package sqlite

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
	if err != nil {
		return data.Card{}, fmt.Errorf("redeem: %w", err)
	}
	switch c.StatusAt(now) {
	case data.StatusActivated:
		return c, errf(data.ErrAlreadyRedeemed, "card %s was already activated by %s on %s", c.Serial, c.ActivatedBy, data.Plain.Timestamp(c.ActivatedAt))
	case data.StatusBlocked:
		return c, errf(data.ErrBlocked, "card %s is blocked (reported lost or stolen); it cannot be redeemed", c.Serial)
	case data.StatusExpired:
		return c, errf(data.ErrExpired, "card %s expired on %s", c.Serial, data.Plain.Timestamp(c.ExpiresAt))
	}
	// The card became redeemable between the UPDATE and this look: the
	// UPDATE is what counts, so say it was not redeemed and let them retry.
	return c, errf(data.ErrInvalid, "card %s changed while redeeming; try again", c.Serial)
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
