package sqlcore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"topupcards/data"
)

// PlanBatch checks p against the database at time now and says what the
// batch will be: its serials (after the highest ever given in the series,
// by a card or a batch), its face value, and how full its PIN space gets
// (Refusal when too full to be safe, Warning when guessing gets likely).
func PlanBatch(ctx context.Context, q RowQueryer, now time.Time, p data.GenerateParams) (data.Plan, error) {
	p, err := p.Normalize(now)
	if err != nil {
		return data.Plan{}, err
	}
	if p.Reseller != "" {
		if _, err := ResellerID(ctx, q, p.Reseller); err != nil {
			return data.Plan{}, err
		}
	}
	var next int64
	err = q.QueryRowContext(ctx, `SELECT coalesce(max(n), 0) + 1 FROM (
			SELECT max(number) AS n FROM cards WHERE series = ?1
			UNION ALL SELECT max(first_number + quantity - 1) FROM batches WHERE series = ?1) x`,
		p.Series).Scan(&next)
	if err != nil {
		return data.Plan{}, fmt.Errorf("plan batch: %w", err)
	}
	pl := data.Plan{Params: p, First: data.Serial{Series: p.Series, Number: next}, Last: data.Serial{Series: p.Series, Number: next + int64(p.Quantity) - 1}}
	if pl.Last.Number > data.MaxSerialNumber {
		return data.Plan{}, errf(data.ErrInvalid, "series %s has room for %d more cards (serial numbers end at %d); use a new series",
			p.Series, max(0, data.MaxSerialNumber-next+1), data.MaxSerialNumber)
	}
	pl.Total = data.Money{Minor: p.Amount * int64(p.Quantity), Currency: p.Currency}
	random := p.PINLength
	if p.CheckDigit {
		random--
	}
	pl.Space = math.Pow10(random)
	err = q.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN c.activated_at IS NULL AND c.blocked = 0
			AND (c.expires_at IS NULL OR c.expires_at > ?) THEN 1 END)
		FROM cards c WHERE c.batch_id IN (SELECT id FROM batches WHERE pin_length = ?)`,
		now.Unix(), p.PINLength).Scan(&pl.Used, &pl.Live)
	if err != nil {
		return data.Plan{}, fmt.Errorf("plan batch: %w", err)
	}
	pl.Fill = float64(pl.Used+int64(p.Quantity)) / pl.Space
	pl.Odds = float64(pl.Live+int64(p.Quantity)) / pl.Space
	if pl.Fill > data.MaxFill {
		pl.Refusal = fmt.Sprintf("%d-digit PINs: %d cards would fill %.2g%% of the %s possible PINs (at most %.0f%% is allowed, "+
			"or guessing becomes too easy); choose a longer PIN length, such as %d digits",
			p.PINLength, pl.Used+int64(p.Quantity), pl.Fill*100, data.GroupThousands(pl.Space), data.MaxFill*100,
			suggestLength(pl.Used+int64(p.Quantity), p.CheckDigit))
	} else if pl.Odds > data.WarnOdds {
		pl.Warning = fmt.Sprintf("a random %d-digit guess hits a live card with odds of %s; a longer PIN is safer",
			p.PINLength, data.OddsText(pl.Odds))
	}
	return pl, nil
}

// suggestLength is the shortest PIN length whose odds stay within data.WarnOdds.
func suggestLength(cards int64, checkDigit bool) int {
	for l := data.MinPINLength; l < data.MaxPINLength; l++ {
		r := l
		if checkDigit {
			r--
		}
		if float64(cards)/math.Pow10(r) <= data.WarnOdds {
			return l
		}
	}
	return data.MaxPINLength
}

// Batches lists every batch, newest first.
func (c *Core) Batches(ctx context.Context) ([]data.Batch, error) {
	rows, err := c.b.Pool.QueryContext(ctx, `SELECT id, series, first_number, quantity, amount, currency, pin_length,
		check_digit = 1, reseller, expires_at, created_at FROM batches ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	var out []data.Batch
	for rows.Next() {
		var b data.Batch
		var expires sql.NullInt64
		var created int64
		if err := rows.Scan(&b.ID, &b.Series, &b.FirstNumber, &b.Quantity, &b.Amount.Minor, &b.Amount.Currency,
			&b.PINLength, &b.CheckDigit, &b.Reseller, &expires, &created); err != nil {
			return nil, fmt.Errorf("list batches: %w", err)
		}
		b.CreatedAt = time.Unix(created, 0).UTC()
		if expires.Valid {
			b.ExpiresAt = time.Unix(expires.Int64, 0).UTC()
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
