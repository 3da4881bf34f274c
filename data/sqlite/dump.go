package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"topupcards/data"
)

// Dump hands fn every row of each of tables that the file has, in that
// order, from one read transaction (data.Dumper: moving the file to a
// server). It reads; other processes go on writing meanwhile.
func (s *Store) Dump(ctx context.Context, tables []string, fn func(table string, columns []string, row []any) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read %s: %w", s.path, busy(err))
	}
	defer tx.Rollback()
	for _, t := range tables {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", t).Scan(&n); err != nil {
			return fmt.Errorf("read %s: %w", s.path, err)
		}
		if n == 0 {
			continue
		}
		if err := dumpTable(ctx, tx, t, fn); err != nil {
			return fmt.Errorf("read %s of %s: %w", t, s.path, err)
		}
	}
	return nil
}

func dumpTable(ctx context.Context, tx *sql.Tx, table string, fn func(table string, columns []string, row []any) error) error {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			row[i] = v
		}
		if err := fn(table, cols, row); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ data.Dumper = (*Store)(nil)
