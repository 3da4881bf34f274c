package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// HistoryEntry is one line of the audit log.
type HistoryEntry struct {
	ID     int64
	At     time.Time
	Action string
	Detail string
	Filter string
	Cards  int64
}

// History returns the newest limit entries of the audit log, newest first.
func (s *Store) History(ctx context.Context, limit int) ([]HistoryEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id, at, action, detail, filter, cards FROM history ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at int64
		if err := rows.Scan(&h.ID, &at, &h.Action, &h.Detail, &h.Filter, &h.Cards); err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		h.At = time.Unix(at, 0).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// LogExport records an export in the history (the export package writes
// the file; the store keeps the record).
func (s *Store) LogExport(ctx context.Context, f Filter, cards int64, where string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.logTx(ctx, tx, "export", fmt.Sprintf("exported %d cards to %s", cards, where), f.Describe(), cards)
	})
}
