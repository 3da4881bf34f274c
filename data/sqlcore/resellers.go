package sqlcore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"topupcards/data"
)

// Resellers lists the resellers by name with how many cards each owns.
func (c *Core) Resellers(ctx context.Context) ([]data.Reseller, error) {
	rows, err := c.b.Pool.QueryContext(ctx, `SELECT r.id, r.name, r.created_at,
		(SELECT count(*) FROM cards c WHERE c.reseller_id = r.id) FROM resellers r ORDER BY r.name`)
	if err != nil {
		return nil, fmt.Errorf("list resellers: %w", err)
	}
	defer rows.Close()
	var out []data.Reseller
	for rows.Next() {
		var r data.Reseller
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
func (c *Core) AddReseller(ctx context.Context, name string) (data.Reseller, error) {
	n, err := data.CleanName(name)
	if err != nil {
		return data.Reseller{}, err
	}
	now := c.b.Now()
	var r data.Reseller
	err = c.b.InTx(ctx, func(tx Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "INSERT INTO resellers (name, name_key, created_at) VALUES (?1, casefold(?1), ?2) RETURNING id",
			n, now.Unix()).Scan(&id)
		if c.b.IsUnique(err) {
			return errf(data.ErrDuplicate, "a reseller named %q exists already; choose another name", n)
		}
		if err != nil {
			return fmt.Errorf("add reseller: %w", err)
		}
		r = data.Reseller{ID: id, Name: n, CreatedAt: now}
		return c.Log(ctx, tx, c.b.Now(), "reseller", fmt.Sprintf("added reseller %q", n), "", 0)
	})
	return r, err
}

// RenameReseller renames a reseller; its cards follow.
func (c *Core) RenameReseller(ctx context.Context, old, name string) error {
	n, err := data.CleanName(name)
	if err != nil {
		return err
	}
	return c.b.InTx(ctx, func(tx Tx) error {
		id, err := ResellerID(ctx, tx, old)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE resellers SET name = ?1, name_key = casefold(?1) WHERE id = ?2", n, id)
		if c.b.IsUnique(err) {
			return errf(data.ErrDuplicate, "a reseller named %q exists already; choose another name", n)
		}
		if err != nil {
			return fmt.Errorf("rename reseller: %w", err)
		}
		return c.Log(ctx, tx, c.b.Now(), "reseller", fmt.Sprintf("renamed reseller %q to %q", strings.TrimSpace(old), n), "", 0)
	})
}

// RemoveReseller removes a reseller that owns no cards. While cards belong
// to it the removal is refused: move them first (mass edit) or delete them.
func (c *Core) RemoveReseller(ctx context.Context, name string) error {
	return c.b.InTx(ctx, func(tx Tx) error {
		id, err := ResellerID(ctx, tx, name)
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
			return errf(data.ErrResellerInUse, "reseller %q still owns %d cards; give them to another reseller with Mass Edit, or delete them, first",
				strings.TrimSpace(name), cards)
		}
		return c.Log(ctx, tx, c.b.Now(), "reseller", fmt.Sprintf("removed reseller %q", strings.TrimSpace(name)), "", 0)
	})
}
