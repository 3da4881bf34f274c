-- Voucher templates: the reseller's own card design, shared by every desk
-- that opens this database. body is the template's JSON, exactly as
-- `topupcards templates export` writes it. A removed template is kept
-- (removed_at set) until another takes its name, so a removal can be undone.
CREATE TABLE IF NOT EXISTS templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    removed_at INTEGER
);

-- A reseller's default template. No foreign key to resellers on purpose: a
-- restore replaces the resellers and keeps their ids, and this choice with
-- them; a template in use cannot be removed.
CREATE TABLE IF NOT EXISTS reseller_templates (
    reseller_id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES templates (id)
);
