package data

import "fmt"

// How a whole PIN left the masked screen, as the history names it.
const (
	RevealShown  = "PIN shown"  // one card's PIN shown on screen
	RevealCopied = "PIN copied" // one card's PIN copied to the clipboard
	RevealAll    = "PINs shown" // the table set to show every PIN
)

// RevealEntry is the history entry of RecordReveal: how is RevealShown or
// RevealCopied with the card's serial, or RevealAll with serial nil. The
// PIN itself is never written.
func RevealEntry(how string, serial *Serial) (detail string, cards int64, err error) {
	switch {
	case how == RevealAll && serial == nil:
		return "the card table was set to show whole PINs", 0, nil
	case (how == RevealShown || how == RevealCopied) && serial != nil:
		return fmt.Sprintf("card %s", serial), 1, nil
	}
	return "", 0, errf(ErrInvalid, "record reveal %q: not a way of showing a PIN", how)
}
