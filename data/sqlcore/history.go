package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"topupcards/data"
)

// historyColumns are what scanHistory reads, from history h.
const historyColumns = `h.id, h.at, h.action, h.detail, h.filter, h.cards, coalesce(h.undone_by, 0), coalesce(h.undo_of, 0),
	h.undone_by IS NULL AND EXISTS (SELECT 1 FROM undo_cards u WHERE u.op_id = h.id), h.by`

func scanHistory(sc interface{ Scan(...any) error }) (data.HistoryEntry, error) {
	var h data.HistoryEntry
	var at int64
	if err := sc.Scan(&h.ID, &at, &h.Action, &h.Detail, &h.Filter, &h.Cards, &h.UndoneBy, &h.UndoOf, &h.Undoable, &h.By); err != nil {
		return data.HistoryEntry{}, fmt.Errorf("read history: %w", err)
	}
	h.At = time.Unix(at, 0).UTC()
	return h, nil
}

// HistoryEntry returns entry id of the history (data.ErrNotFound if none).
func (c *Core) HistoryEntry(ctx context.Context, id int64) (data.HistoryEntry, error) {
	return historyEntry(ctx, c.b.Pool, id)
}

func historyEntry(ctx context.Context, q Tx, id int64) (data.HistoryEntry, error) {
	h, err := scanHistory(q.QueryRowContext(ctx, "SELECT "+historyColumns+" FROM history h WHERE h.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return data.HistoryEntry{}, errf(data.ErrNotFound, "history entry #%d: there is no such entry; see `topupcards history` for the numbers", id)
	}
	return h, err
}

// History returns the newest limit entries of the audit log, newest first.
func (c *Core) History(ctx context.Context, limit int) ([]data.HistoryEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := c.b.Pool.QueryContext(ctx, "SELECT "+historyColumns+" FROM history h ORDER BY h.id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []data.HistoryEntry
	for rows.Next() {
		h, err := scanHistory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// LogExport records an export in the history (the export package writes
// the file; the store keeps the record).
func (c *Core) LogExport(ctx context.Context, f data.Filter, cards int64, where string) error {
	return c.b.InTx(ctx, func(tx Tx) error {
		return c.Log(ctx, tx, c.b.Now(), "export", fmt.Sprintf("exported %d cards to %s", cards, where), f.Describe(), cards)
	})
}
