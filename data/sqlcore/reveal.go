package sqlcore

import (
	"context"

	"topupcards/data"
)

// RecordReveal writes to the history that a whole PIN was shown or copied
// (see data.Cards).
func (c *Core) RecordReveal(ctx context.Context, how string, serial *data.Serial) error {
	detail, cards, err := data.RevealEntry(how, serial)
	if err != nil {
		return err
	}
	return c.b.InTx(ctx, func(tx Tx) error { return c.Log(ctx, tx, c.b.Now(), how, detail, "", cards) })
}
