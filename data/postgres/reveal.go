package postgres

import (
	"context"

	"topupcards/data"
)

// RecordReveal writes to the history that a whole PIN was shown or copied
// (see data.Cards).
func (s *Store) RecordReveal(ctx context.Context, how string, serial *data.Serial) error {
	detail, cards, err := data.RevealEntry(how, serial)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error { return s.logTx(ctx, tx, how, detail, "", cards) })
}
