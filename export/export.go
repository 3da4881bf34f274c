package export

import (
	"context"
	"encoding/csv"
	"io"
	"strings"

	"topupcards/data"
)

// writeCSV writes the Cards columns as RFC 4180 UTF-8 CSV: Serial, PIN,
// Amount (8.00), Currency, Reseller, Expiry, Status, Created, Activated by,
// Activated on; times in RFC 3339 UTC, empty where absent.
func writeCSVFile(ctx context.Context, w io.Writer, j *job) (int, error) {
	j.prog.total = j.sel.Cards
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(cardsHeader); err != nil {
		return 0, err
	}
	now := j.now
	rec := make([]string, len(cardsHeader))
	err := j.r.Each(ctx, j.f, data.Sort{}, func(c data.Card) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec[0] = c.Serial.String()
		rec[1] = c.PIN
		rec[2] = data.Plain.Number(c.Amount)
		rec[3] = c.Amount.Currency
		rec[4] = c.Reseller
		rec[5] = rfc3339(c.ExpiresAt)
		rec[6] = string(c.StatusAt(now))
		rec[7] = rfc3339(c.CreatedAt)
		rec[8] = c.ActivatedBy
		rec[9] = rfc3339(c.ActivatedAt)
		j.prog.add(1)
		return cw.Write(SafeRecord(rec))
	})
	if err != nil {
		return 0, err
	}
	cw.Flush()
	return 0, cw.Error()
}

// ParseColours reads accent colours per denomination as a person types
// them: "8.00=#2E7D32, 26.00=#1565C0" (amount=#RRGGBB, separated by commas).
// The keys are face values in any currency (data.Money.ToBound): "500"
// colours 500 JPY cards and 500.00 USD cards alike.
func ParseColours(s string) (map[int64]string, error) {
	out := map[int64]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		amount, colour, ok := strings.Cut(part, "=")
		if !ok {
			return nil, data.NewError(data.ErrInvalid, "colour %q: write amount=#RRGGBB, such as 8.00=#2E7D32", part)
		}
		minor, err := data.ParseAmountBound(amount)
		if err != nil {
			return nil, err
		}
		colour = strings.TrimSpace(colour)
		if _, err := parseColour(colour); err != nil {
			return nil, data.NewError(data.ErrInvalid, "colour %q for %s: write it as #RRGGBB, such as #2E7D32", colour, strings.TrimSpace(amount))
		}
		out[minor] = colour
	}
	return out, nil
}
