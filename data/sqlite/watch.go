package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// watch is the connection DataVersion asks on: SQLite's data_version is
// per connection, so it must be the same one every time.
type watch struct {
	mu   sync.Mutex
	conn *sql.Conn
}

// DataVersion is a number that changes whenever a change to the cards was
// committed by another connection: another process, window or command line,
// or another operation of this store. The window polls it (about once a
// second while it is in front) and refreshes what it shows when it moves.
// It costs one PRAGMA on a connection kept for it: no read of the cards.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	w := &s.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("watch for changes: %w", err)
		}
		w.conn = c
	}
	var v int64
	if err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		w.conn.Close()
		w.conn = nil
		return 0, fmt.Errorf("watch for changes: %w", err)
	}
	return v, nil
}

// closeWatch gives the watching connection back before the pool closes.
func (s *Store) closeWatch() {
	w := &s.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}
