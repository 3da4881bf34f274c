package sqlcore

import (
	"context"
	"fmt"

	"topupcards/data"
)

// UnknownPIN says why no card has pin: a mistyped digit (ErrTypo) when
// every batch that could hold the PIN (its length) has a check digit and
// the PIN's does not match, since a batch without one could hold it as it
// is; otherwise ErrNotFound.
func UnknownPIN(ctx context.Context, q RowQueryer, pin string) error {
	var checked, unchecked int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE check_digit = 1), count(*) FILTER (WHERE check_digit = 0)
		FROM batches WHERE pin_length = ?`, len(pin)).Scan(&checked, &unchecked); err != nil {
		return fmt.Errorf("redeem: %w", err)
	}
	if checked > 0 && unchecked == 0 && !data.LuhnValid(pin) {
		return errf(data.ErrTypo, "redeem PIN %s: a digit is mistyped (the check digit does not match); read the card again", data.GroupPIN(pin))
	}
	return errf(data.ErrNotFound, "redeem PIN %s: no card has this PIN; check the digits", data.GroupPIN(pin))
}
