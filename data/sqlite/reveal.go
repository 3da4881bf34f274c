package sqlite

import (
	"context"
	"database/sql"

	"topupcards/data"
)

// RecordReveal writes to the history that a whole PIN was shown or copied
// (see data.Cards).
func (s *Store) RecordReveal(ctx context.Context, how string, serial *data.Serial) error {
	detail, cards, err := data.RevealEntry(how, serial)
	if err != nil {
		return err
	}
	if err := s.writable(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := insertHistory(ctx, tx, s.Now(), how, detail, "", cards, 0)
		return err
	})
}
