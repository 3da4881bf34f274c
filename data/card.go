package data

import (
	"strings"
	"time"
)

// Status of a card. It is derived, never stored: a card is activated once
// redeemed; otherwise blocked if blocked; otherwise expired once its expiry
// has passed; otherwise new.
type Status string

// The statuses, in the order the Status column sorts them.
const (
	StatusNew       Status = "new"
	StatusActivated Status = "activated"
	StatusExpired   Status = "expired"
	StatusBlocked   Status = "blocked"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusNew, StatusActivated, StatusExpired, StatusBlocked}

// ParseStatus reads a status name.
func ParseStatus(s string) (Status, error) {
	t := Status(strings.ToLower(strings.TrimSpace(s)))
	for _, st := range Statuses {
		if t == st {
			return st, nil
		}
	}
	return "", errf(ErrInvalid, "status %q: use new, activated, expired or blocked", s)
}

// Card is one prepaid top-up card.
type Card struct {
	ID          int64
	Serial      Serial
	PIN         string
	Amount      Money
	ResellerID  int64 // 0: none
	Reseller    string
	BatchID     int64
	ExpiresAt   time.Time // zero: never expires
	CreatedAt   time.Time
	ActivatedAt time.Time // zero: not activated
	ActivatedBy string
	Blocked     bool
	Printed     int // times printed on a voucher sheet (print runs); > 0: the next print is a reprint
}

// StatusAt derives the card's status at time now.
func (c Card) StatusAt(now time.Time) Status {
	switch {
	case !c.ActivatedAt.IsZero():
		return StatusActivated
	case c.Blocked:
		return StatusBlocked
	case !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(now):
		return StatusExpired
	}
	return StatusNew
}

// Activated writes the Activated column as the seed does, with the day in
// locale l: "Rose Orig 05/03/2018", or "—" when the card is not activated.
func (c Card) Activated(l Locale) string {
	if c.ActivatedAt.IsZero() {
		return "—"
	}
	return c.ActivatedBy + " " + l.Date(c.ActivatedAt)
}
