package data

import (
	"database/sql"
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

// statusSQL is the SQL twin of Card.StatusAt; ?1-style parameters are not
// used, the caller binds now once per use.
const statusSQL = `CASE WHEN c.activated_at IS NOT NULL THEN 1 WHEN c.blocked = 1 THEN 3 ` +
	`WHEN c.expires_at IS NOT NULL AND c.expires_at <= ? THEN 2 ELSE 0 END`

// cardColumns are the columns scanCard reads, in order.
const cardColumns = `c.id, c.series, c.number, c.pin, c.amount, c.currency, ifnull(c.reseller_id, 0),
	ifnull(r.name, ''), c.batch_id, c.expires_at, c.created_at, c.activated_at, ifnull(c.activated_by, ''), c.blocked, c.printed`

const cardFrom = ` FROM cards c LEFT JOIN resellers r ON r.id = c.reseller_id`

func scanCard(sc interface{ Scan(...any) error }) (Card, error) {
	var c Card
	var expires, activated sql.NullInt64
	var created int64
	err := sc.Scan(&c.ID, &c.Serial.Series, &c.Serial.Number, &c.PIN, &c.Amount.Minor, &c.Amount.Currency,
		&c.ResellerID, &c.Reseller, &c.BatchID, &expires, &created, &activated, &c.ActivatedBy, &c.Blocked, &c.Printed)
	if err != nil {
		return Card{}, err
	}
	c.CreatedAt = time.Unix(created, 0).UTC()
	if expires.Valid {
		c.ExpiresAt = time.Unix(expires.Int64, 0).UTC()
	}
	if activated.Valid {
		c.ActivatedAt = time.Unix(activated.Int64, 0).UTC()
	}
	return c, nil
}
