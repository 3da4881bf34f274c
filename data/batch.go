package data

import (
	"fmt"
	"math"
	"time"
)

// Generation limits.
const (
	MaxQuantity = 1_000_000
	// MaxFill is the largest share of a PIN length's space that live and
	// used PINs may take: beyond it a random guess hits too often.
	MaxFill = 0.01
	// WarnOdds: odds of one random guess hitting a live card worse than
	// this get a warning.
	WarnOdds = 1e-6
)

// GenerateParams are the fields of the seed's "Generate Top-Up Cards" window.
type GenerateParams struct {
	Amount     int64  // minor units, > 0
	Currency   string // ISO 4217; "" = USD
	Quantity   int
	Series     string
	PINLength  int  // 0 = DefaultPINLength
	CheckDigit bool // last PIN digit is a Luhn check digit
	Reseller   string
	ExpiresAt  time.Time // zero: never expires
}

// Batch is one generation and the parameters it was made with.
type Batch struct {
	ID          int64
	Series      string
	FirstNumber int64
	Quantity    int64
	Amount      Money
	PINLength   int
	CheckDigit  bool
	Reseller    string
	ExpiresAt   time.Time
	CreatedAt   time.Time
}

// FirstSerial is the serial of the batch's first card.
func (b Batch) FirstSerial() Serial { return Serial{b.Series, b.FirstNumber} }

// LastSerial is the serial of the batch's last card.
func (b Batch) LastSerial() Serial { return Serial{b.Series, b.FirstNumber + b.Quantity - 1} }

// Check checks p's fields without the database (the serial range, the
// reseller and the PIN space are checked by PlanBatch): the command line
// calls it before it opens a file.
func (p GenerateParams) Check(now time.Time) error {
	_, err := p.Normalize(now)
	return err
}

// Normalize checks p and fills in defaults. It does not touch the database.
func (p GenerateParams) Normalize(now time.Time) (GenerateParams, error) {
	if p.Amount <= 0 {
		return p, errf(ErrInvalid, "amount must be more than 0")
	}
	cur, err := ParseCurrency(p.Currency)
	if err != nil {
		return p, err
	}
	p.Currency = cur
	if p.Amount > MaxAmount(cur) {
		return p, errf(ErrInvalid, "amount %s is more than %s, the largest face value of one card",
			Money{p.Amount, cur}, Money{MaxAmount(cur), cur})
	}
	if p.Quantity < 1 || p.Quantity > MaxQuantity {
		return p, errf(ErrInvalid, "quantity %d: make 1 to %d cards in one batch", p.Quantity, MaxQuantity)
	}
	if p.Series, err = ParseSeries(p.Series); err != nil {
		return p, err
	}
	if p.PINLength == 0 {
		p.PINLength = DefaultPINLength
	}
	if p.PINLength < MinPINLength || p.PINLength > MaxPINLength {
		return p, errf(ErrInvalid, "PIN length %d: choose %d to %d digits", p.PINLength, MinPINLength, MaxPINLength)
	}
	if !p.ExpiresAt.IsZero() && !p.ExpiresAt.After(now) {
		return p, errf(ErrInvalid, "expiry date %s is in the past; choose a later date or none",
			Plain.DateTime(p.ExpiresAt))
	}
	return p, nil
}

// Plan is what a batch will be, computed before it is made: the window shows
// it as the person types and Generate refuses a plan with Refusal set.
type Plan struct {
	Params      GenerateParams // normalised
	First, Last Serial
	Total       Money   // face value of the whole batch
	Space       float64 // number of possible PINs of this length
	Used        int64   // cards that already use this PIN length
	Live        int64   // of those, cards a guess could still redeem
	Fill        float64 // (Used + Quantity) / Space
	Odds        float64 // (Live + Quantity) / Space: one random guess hits a live card
	Warning     string  // odds worse than WarnOdds
	Refusal     string  // fill above MaxFill: Generate refuses
}

// OddsText writes odds as "1 in N".
func OddsText(odds float64) string {
	if odds <= 0 {
		return "none"
	}
	return fmt.Sprintf("1 in %s", GroupThousands(math.Round(1/odds)))
}

// GroupThousands writes v rounded to a whole number with thousands separators.
func GroupThousands(v float64) string {
	if v >= 1e15 {
		return fmt.Sprintf("%.2g", v)
	}
	s := fmt.Sprintf("%.0f", v)
	out := []byte{}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Progress is told how many of the batch's cards are made so far.
type Progress func(done, total int)

// GenerateDetail is the history's words for batch b, made with p.
func GenerateDetail(b Batch, p GenerateParams) string {
	detail := fmt.Sprintf("generated batch %d: %d × %s, serials %s to %s, %d-digit PINs", b.ID, b.Quantity,
		b.Amount, b.FirstSerial(), b.LastSerial(), p.PINLength)
	if p.CheckDigit {
		detail += " with check digit"
	}
	if p.Reseller != "" {
		detail += ", reseller " + p.Reseller
	}
	if !p.ExpiresAt.IsZero() {
		detail += ", expires " + p.ExpiresAt.Local().Format("2006-01-02 15:04")
	}
	return detail
}
