package data

import "strings"

// RedeemInput checks what was typed to redeem a card: the PIN (spaces and
// dashes ignored, NormalizePIN) and the client's name (spaces tidied, 1 to
// 200 characters). It returns both as the store keeps them.
func RedeemInput(pin, client string) (string, string, error) {
	p, err := NormalizePIN(pin)
	if err != nil {
		return "", "", err
	}
	if err := CheckText("client name", client); err != nil {
		return "", "", err
	}
	who := strings.Join(strings.Fields(client), " ")
	if who == "" {
		return "", "", errf(ErrInvalid, "client name is empty; say who redeems the card")
	}
	if len([]rune(who)) > 200 {
		return "", "", errf(ErrInvalid, "client name is longer than 200 characters")
	}
	return p, who, nil
}

// RedeemRefusal says why card c, found with status st when its guarded
// redemption changed nothing, was not redeemed (ErrAlreadyRedeemed,
// ErrBlocked or ErrExpired). A card that looks redeemable became so after
// the redemption's statement: that statement is what counts, so the
// cashier is asked to try again.
func RedeemRefusal(c Card, st Status) error {
	switch st {
	case StatusActivated:
		return errf(ErrAlreadyRedeemed, "card %s was already activated by %s on %s", c.Serial, c.ActivatedBy, Plain.Timestamp(c.ActivatedAt))
	case StatusBlocked:
		return errf(ErrBlocked, "card %s is blocked (reported lost or stolen); it cannot be redeemed", c.Serial)
	case StatusExpired:
		return errf(ErrExpired, "card %s expired on %s", c.Serial, Plain.Timestamp(c.ExpiresAt))
	}
	return errf(ErrInvalid, "card %s changed while redeeming; try again", c.Serial)
}
