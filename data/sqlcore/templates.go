package sqlcore

// The voucher templates' SQL of both stores (the domain types are in
// data/template.go).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"topupcards/data"
)

// Templates lists the stored templates by name, with the resellers whose
// default each is. The built-in "default" is not stored and not listed.
func (c *Core) Templates(ctx context.Context) ([]data.TemplateInfo, error) {
	rows, err := c.b.Pool.QueryContext(ctx, `SELECT t.name, t.body,
		(SELECT string_agg(r.name, CAST(? AS TEXT) ORDER BY r.name) FROM reseller_templates rt JOIN resellers r ON r.id = rt.reseller_id WHERE rt.template_id = t.id)
		FROM templates t WHERE t.removed_at IS NULL ORDER BY t.name_key`, "\n")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	defer rows.Close()
	var out []data.TemplateInfo
	for rows.Next() {
		var name, body string
		var resellers sql.NullString
		if err := rows.Scan(&name, &body, &resellers); err != nil {
			return nil, fmt.Errorf("list templates: %w", err)
		}
		out = append(out, data.StoredTemplateInfo(name, body, resellers.String))
	}
	return out, rows.Err()
}

// Template reads the stored template called name (any case).
func (c *Core) Template(ctx context.Context, name string) (data.Template, error) {
	var body string
	err := c.b.Pool.QueryRowContext(ctx, "SELECT body FROM templates WHERE name_key = casefold(?) AND removed_at IS NULL",
		strings.TrimSpace(name)).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return data.Template{}, data.ErrNoTemplate(name)
	}
	if err != nil {
		return data.Template{}, fmt.Errorf("read template: %w", err)
	}
	t, err := data.ParseTemplate(strings.NewReader(body))
	if err != nil {
		return data.Template{}, fmt.Errorf("template %q as stored: %w", name, err)
	}
	return t, nil
}

// SaveTemplate stores t (validated first). A template of the same name is
// replaced only when replace is set; a removed one's name is free.
func (c *Core) SaveTemplate(ctx context.Context, t data.Template, replace bool) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := c.b.Now().Unix()
	return c.b.InTx(ctx, func(tx Tx) error {
		var id int64
		var removed sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT id, removed_at FROM templates WHERE name_key = casefold(?)", t.Name).Scan(&id, &removed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO templates (name, name_key, body, created_at, updated_at)
				VALUES (?1, casefold(?1), ?2, ?3, ?3)`, t.Name, string(t.JSON()), now)
			if err != nil {
				return fmt.Errorf("save template: %w", err)
			}
			return c.Log(ctx, tx, c.b.Now(), "template", fmt.Sprintf("added template %q", t.Name), "", 0)
		case err != nil:
			return fmt.Errorf("save template: %w", err)
		case !removed.Valid && !replace:
			return errf(data.ErrDuplicate, "a template named %q exists already; choose another name, or replace it (--replace)", t.Name)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE templates SET name = ?, body = ?, updated_at = ?, removed_at = NULL WHERE id = ?",
			t.Name, string(t.JSON()), now, id); err != nil {
			return fmt.Errorf("save template: %w", err)
		}
		return c.Log(ctx, tx, c.b.Now(), "template", fmt.Sprintf("replaced template %q", t.Name), "", 0)
	})
}

// RemoveTemplate removes a template that is no reseller's default. It is
// kept until another template takes its name: RestoreTemplate brings it
// back.
func (c *Core) RemoveTemplate(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	return c.b.InTx(ctx, func(tx Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM templates WHERE name_key = casefold(?) AND removed_at IS NULL", name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errf(data.ErrNotFound, "no template named %q; see `topupcards templates list`", name)
		}
		if err != nil {
			return fmt.Errorf("remove template: %w", err)
		}
		var users sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT string_agg(r.name, ', ' ORDER BY r.name) FROM reseller_templates rt
			JOIN resellers r ON r.id = rt.reseller_id WHERE rt.template_id = ?`, id).Scan(&users); err != nil {
			return fmt.Errorf("remove template: %w", err)
		}
		if users.Valid {
			return errf(data.ErrInvalid, "template %q is the default of %s; choose another default for them first (resellers template NAME TEMPLATE)", name, users.String)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE templates SET removed_at = ? WHERE id = ?", c.b.Now().Unix(), id); err != nil {
			return fmt.Errorf("remove template: %w", err)
		}
		return c.Log(ctx, tx, c.b.Now(), "template", fmt.Sprintf("removed template %q (templates restore %q brings it back)", name, name), "", 0)
	})
}

// RestoreTemplate brings back a removed template whose name no other
// template took since.
func (c *Core) RestoreTemplate(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	return c.b.InTx(ctx, func(tx Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE templates SET removed_at = NULL WHERE name_key = casefold(?) AND removed_at IS NOT NULL", name)
		if err != nil {
			return fmt.Errorf("restore template: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errf(data.ErrNotFound, "no removed template named %q; only a removed template whose name was not taken again can be restored", name)
		}
		return c.Log(ctx, tx, c.b.Now(), "template", fmt.Sprintf("restored template %q", name), "", 0)
	})
}

// SetResellerTemplate makes template the default of reseller; "" or
// "default" sets it back to the built-in template.
func (c *Core) SetResellerTemplate(ctx context.Context, reseller, template string) error {
	template = strings.TrimSpace(template)
	return c.b.InTx(ctx, func(tx Tx) error {
		rid, err := ResellerID(ctx, tx, reseller)
		if err != nil {
			return err
		}
		if template == "" || strings.EqualFold(template, data.DefaultTemplateName) {
			if _, err := tx.ExecContext(ctx, "DELETE FROM reseller_templates WHERE reseller_id = ?", rid); err != nil {
				return fmt.Errorf("set template: %w", err)
			}
			return c.Log(ctx, tx, c.b.Now(), "template", fmt.Sprintf("reseller %q prints with the built-in template", strings.TrimSpace(reseller)), "", 0)
		}
		var tid int64
		err = tx.QueryRowContext(ctx, "SELECT id FROM templates WHERE name_key = casefold(?) AND removed_at IS NULL", template).Scan(&tid)
		if errors.Is(err, sql.ErrNoRows) {
			return data.ErrNoTemplate(template)
		}
		if err != nil {
			return fmt.Errorf("set template: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reseller_templates (reseller_id, template_id) VALUES (?1, ?2)
			ON CONFLICT (reseller_id) DO UPDATE SET template_id = EXCLUDED.template_id`, rid, tid); err != nil {
			return fmt.Errorf("set template: %w", err)
		}
		return c.Log(ctx, tx, c.b.Now(), "template", fmt.Sprintf("reseller %q prints with template %q", strings.TrimSpace(reseller), template), "", 0)
	})
}

// ResellerTemplate is the name of reseller's default template; "" when it
// prints with the built-in one.
func (c *Core) ResellerTemplate(ctx context.Context, reseller string) (string, error) {
	var name string
	err := c.b.Pool.QueryRowContext(ctx, `SELECT t.name FROM reseller_templates rt JOIN templates t ON t.id = rt.template_id
		JOIN resellers r ON r.id = rt.reseller_id WHERE r.name_key = casefold(?) AND t.removed_at IS NULL`, strings.TrimSpace(reseller)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reseller template: %w", err)
	}
	return name, nil
}
