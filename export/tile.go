package export

import (
	"strings"

	"topupcards/data"
)

// Tile is what one voucher shows, described once for every writer (the
// Excel sheet now, a PDF later), so that the writers never drift apart.
type Tile struct {
	Company    string // the reseller, or the issuer when the card has none
	Amount     string // "8.00 USD", in the export's locale (data.Locale.Amount)
	PIN        string // grouped in fours: "4524 2829 3854"
	Serial     string // "3-000000001"
	ValidUntil string // "Valid until 01/31/2027", with the time when not the end of the day, or "No expiry"
	QR         string // what the QR code holds: the PIN or a redeem address
	Reprint    bool   // the card was printed on a voucher sheet before
	// Void is stamped across the tile of a card that cannot be sold
	// (VoidStamp: VOID, REDEEMED, EXPIRED); "" for a card that can.
	Void string
	// Lines, when not nil, are a template's texts in their vertical order,
	// which the workbook writes in place of the built-in lines.
	Lines []string
	// Barcode is what a template's Code 128 barcode holds on this card
	// (the workbook's picture under the QR code); "": none.
	Barcode string
}

// DefaultCompany is printed on cards that belong to no reseller.
const DefaultCompany = "Prepaid top-up card"

// MaxQRTemplate is the longest redeem-address template accepted.
const MaxQRTemplate = 400

// CheckQRTemplate validates a redeem-address template: empty (the QR code
// holds the PIN) or a text that contains {pin}, such as
// https://billing.example.com/redeem?pin={pin}. {serial} may appear too.
func CheckQRTemplate(t string) error {
	if t == "" {
		return nil
	}
	if !strings.Contains(t, "{pin}") {
		return data.NewError(data.ErrInvalid, "QR template %q must contain {pin} where the PIN goes, such as https://billing.example.com/redeem?pin={pin}", t)
	}
	if len(t) > MaxQRTemplate {
		return data.NewError(data.ErrInvalid, "QR template is longer than %d characters; a QR code that large does not print well", MaxQRTemplate)
	}
	if strings.ContainsAny(t, "\n\r\t") {
		return data.NewError(data.ErrInvalid, "QR template contains a line break or tab; write it on one line")
	}
	return data.CheckText("QR template", t)
}

// QRContent is what card c's QR code holds under template t.
func QRContent(c data.Card, t string) string {
	if t == "" {
		return c.PIN
	}
	r := strings.NewReplacer("{pin}", c.PIN, "{serial}", c.Serial.String())
	return r.Replace(t)
}

// TileFor describes card c's voucher, its amount and expiry written in
// locale l.
func TileFor(c data.Card, qrTemplate string, l data.Locale) Tile {
	t := Tile{
		Company: c.Reseller,
		Amount:  l.Amount(c.Amount),
		PIN:     data.GroupPIN(c.PIN),
		Serial:  c.Serial.String(),
		QR:      QRContent(c, qrTemplate),
		Reprint: c.Printed > 0,
	}
	if t.Company == "" {
		t.Company = DefaultCompany
	}
	if c.ExpiresAt.IsZero() {
		t.ValidUntil = "No expiry"
	} else {
		t.ValidUntil = "Valid until " + l.Expiry(c.ExpiresAt)
	}
	return t
}
