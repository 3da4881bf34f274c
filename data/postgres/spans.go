package postgres

import (
	"context"
	"fmt"

	"topupcards/data"
)

// walkSpan reads the next want cards matching cond (args) of span s in
// serial order after the cursor, by walking the batch's serial range in
// chunks (cards_batch_serial) and keeping the cards that match. The
// server's own plan for such a page, when several conditions hold for most
// of a batch's cards (reseller, status and amount), takes the match for
// rare and sorts hundreds of thousands of cards; a LIMIT inside the walk
// makes it read the index in order instead.
func (v view) walkSpan(ctx context.Context, o data.Sort, cond string, args []any, s data.SerialSpan, after data.Cursor, want int) ([]data.Card, data.Cursor, error) {
	dir, op := " ASC", ">"
	if o.Desc {
		dir, op = " DESC", "<"
	}
	order := "c.series" + dir + ", c.number" + dir + ", c.id" + dir
	chunk := s.WalkChunk(want)
	var cards []data.Card
	var next data.Cursor
	from := after
	for {
		inner := "SELECT * FROM cards c WHERE c.batch_id = ? AND c.series = ? AND c.number BETWEEN ? AND ?"
		all := append(append([]any{}, args...), s.Batch, s.Series, s.First, s.Last)
		if !from.IsZero() {
			inner += " AND (c.series, c.number, c.id) " + op + " (?, ?, ?)"
			all = append(all, from.Keys[0], from.Keys[1], from.ID)
		}
		inner += " ORDER BY " + order + " LIMIT ?"
		all = append(all, chunk)
		// Only the matching cards of the chunk come back, and its last
		// card (to go on from), with how many cards the chunk held.
		q := "SELECT " + cardColumns + ", c.hit, c.n FROM (SELECT c.*, coalesce((" + cond + "), false) AS hit, " +
			"row_number() OVER (ORDER BY " + order + ") AS rn, count(*) OVER () AS n FROM (" + inner + ") c) c " +
			"LEFT JOIN resellers r ON r.id = c.reseller_id WHERE c.hit OR c.rn = c.n ORDER BY " + order
		rows, err := v.q.QueryContext(ctx, q, all...)
		if err != nil {
			return nil, data.Cursor{}, fmt.Errorf("list cards: %w", err)
		}
		read := int64(0)
		for rows.Next() {
			var hit bool
			c, err := scanCard(scanExtra{rows, []any{&hit, &read}})
			if err != nil {
				rows.Close()
				return nil, data.Cursor{}, fmt.Errorf("list cards: %w", err)
			}
			from = data.Cursor{Keys: []any{c.Serial.Series, c.Serial.Number}, ID: c.ID}
			if hit && len(cards) < want {
				cards, next = append(cards, c), from
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, data.Cursor{}, fmt.Errorf("list cards: %w", err)
		}
		if len(cards) >= want || read < int64(chunk) {
			return cards, next, nil
		}
		chunk = min(2*chunk, 20_000)
	}
}
