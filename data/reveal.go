package data

import (
	"context"
	"database/sql"
	"fmt"
)

// How a whole PIN left the masked screen, as the history names it.
const (
	RevealShown  = "PIN shown"  // one card's PIN shown on screen
	RevealCopied = "PIN copied" // one card's PIN copied to the clipboard
	RevealAll    = "PINs shown" // the table set to show every PIN
)

// RecordReveal writes to the history that a person saw or copied a whole
// PIN: how is RevealShown or RevealCopied with the card's serial, or
// RevealAll with serial nil. A counter's screen is seen by customers, so the
// window hides PINs and shows one only as an act on the record; it calls
// RecordReveal before it shows or copies, and shows nothing if it fails.
// The PIN itself is never written.
func (s *Store) RecordReveal(ctx context.Context, how string, serial *Serial) error {
	var detail string
	var cards int64
	switch {
	case how == RevealAll && serial == nil:
		detail = "the card table was set to show whole PINs"
	case (how == RevealShown || how == RevealCopied) && serial != nil:
		detail, cards = fmt.Sprintf("card %s", serial), 1
	default:
		return errf(ErrInvalid, "record reveal %q: not a way of showing a PIN", how)
	}
	if err := s.writable(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := insertHistory(ctx, tx, s.Now(), how, detail, "", cards, 0)
		return err
	})
}
