package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

func resellerID(ctx context.Context, q queryer, name string) (int64, error) {
	n, err := cleanName(name)
	if err != nil {
		return 0, err
	}
	var id int64
	err = q.QueryRowContext(ctx, "SELECT id FROM resellers WHERE name_key = casefold(?)", n).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errf(ErrNotFound, "no reseller named %q; add it first (Resellers, or `topupcards resellers add`)", n)
	}
	if err != nil {
		return 0, fmt.Errorf("find reseller: %w", err)
	}
	return id, nil
}

// Resellers lists the resellers by name with how many cards each owns.
func (s *Store) Resellers(ctx context.Context) ([]Reseller, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.name, r.created_at,
		(SELECT count(*) FROM cards c WHERE c.reseller_id = r.id) FROM resellers r ORDER BY r.name`)
	if err != nil {
		return nil, fmt.Errorf("list resellers: %w", err)
	}
	defer rows.Close()
	var out []Reseller
	for rows.Next() {
		var r Reseller
		var created int64
		if err := rows.Scan(&r.ID, &r.Name, &created, &r.Cards); err != nil {
			return nil, fmt.Errorf("list resellers: %w", err)
		}
		r.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddReseller adds a reseller; names are unique regardless of case.
func (s *Store) AddReseller(ctx context.Context, name string) (Reseller, error) {
	n, err := cleanName(name)
	if err != nil {
		return Reseller{}, err
	}
	now := s.Now()
	var r Reseller
	err = s.inTx(ctx, func(tx *txn) error {
		var id int64
		err := tx.QueryRowContext(ctx, "INSERT INTO resellers (name, name_key, created_at) VALUES (?1, casefold(?1), ?2) RETURNING id",
			n, now.Unix()).Scan(&id)
		if isUniqueViolation(err) {
			return errf(ErrDuplicate, "a reseller named %q exists already; choose another name", n)
		}
		if err != nil {
			return fmt.Errorf("add reseller: %w", err)
		}
		r = Reseller{ID: id, Name: n, CreatedAt: now}
		return s.logTx(ctx, tx, "reseller", fmt.Sprintf("added reseller %q", n), "", 0)
	})
	return r, err
}

// RenameReseller renames a reseller; its cards follow.
func (s *Store) RenameReseller(ctx context.Context, old, name string) error {
	n, err := cleanName(name)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		id, err := resellerID(ctx, tx, old)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE resellers SET name = ?1, name_key = casefold(?1) WHERE id = ?2", n, id)
		if isUniqueViolation(err) {
			return errf(ErrDuplicate, "a reseller named %q exists already; choose another name", n)
		}
		if err != nil {
			return fmt.Errorf("rename reseller: %w", err)
		}
		return s.logTx(ctx, tx, "reseller", fmt.Sprintf("renamed reseller %q to %q", strings.TrimSpace(old), n), "", 0)
	})
}

// RemoveReseller removes a reseller that owns no cards. While cards belong
// to it the removal is refused: move them first (mass edit) or delete them.
func (s *Store) RemoveReseller(ctx context.Context, name string) error {
	return s.inTx(ctx, func(tx *txn) error {
		id, err := resellerID(ctx, tx, name)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM resellers WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM cards WHERE reseller_id = ?)`, id, id)
		if err != nil {
			return fmt.Errorf("remove reseller: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cards int64
			_ = tx.QueryRowContext(ctx, "SELECT count(*) FROM cards WHERE reseller_id = ?", id).Scan(&cards)
			return errf(ErrResellerInUse, "reseller %q still owns %d cards; give them to another reseller with Mass Edit, or delete them, first",
				strings.TrimSpace(name), cards)
		}
		return s.logTx(ctx, tx, "reseller", fmt.Sprintf("removed reseller %q", strings.TrimSpace(name)), "", 0)
	})
}
