-- Voucher templates: the reseller's own card design, shared by every desk.
-- body is the template's JSON, as `topupcards templates export` writes it.
-- A removed template is kept (removed_at set) until another takes its name,
-- so a removal can be undone.
CREATE TABLE templates (
    id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text    NOT NULL,
    name_key   text    NOT NULL UNIQUE,
    body       text    NOT NULL,
    created_at bigint  NOT NULL,
    updated_at bigint  NOT NULL,
    removed_at bigint
);

-- A reseller's default template (no foreign key to resellers, as in the
-- SQLite schema; a template in use cannot be removed).
CREATE TABLE reseller_templates (
    reseller_id bigint PRIMARY KEY,
    template_id bigint NOT NULL REFERENCES templates (id)
);
