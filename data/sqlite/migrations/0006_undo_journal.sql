-- Undo without whole-file snapshots, and redemptions that nothing takes back.
--
-- meta: facts about this database file. 'identity' names the database for
-- its backups (a copy made by a backup keeps it; the backups of two files in
-- one folder are told apart by it); 'journal_days' is how long undo entries
-- are kept.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('identity', lower(hex(randomblob(16))));
INSERT INTO meta (key, value) VALUES ('journal_days', '90');

-- Every history entry that changed cards can be undone once: undone_by is
-- the history entry of its undo, undo_of the entry an undo entry undid.
ALTER TABLE history ADD COLUMN undone_by INTEGER;
ALTER TABLE history ADD COLUMN undo_of INTEGER;

-- The undo journal: the prior values of exactly the cards an operation
-- changed, written in the operation's own transaction. A deleted card is
-- kept whole (deleted = 1); an edited card keeps the fields an edit can
-- change, before (expires_at, reseller_id, blocked) and after (new_*), so
-- that an undo can tell whether the card was changed again since.
CREATE TABLE undo_cards (
    op_id        INTEGER NOT NULL REFERENCES history (id) ON DELETE CASCADE,
    card_id      INTEGER NOT NULL,
    deleted      INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    series       TEXT,
    number       INTEGER,
    pin          TEXT,
    amount       INTEGER,
    currency     TEXT,
    reseller_id  INTEGER,
    batch_id     INTEGER,
    expires_at   INTEGER,
    created_at   INTEGER,
    activated_at INTEGER,
    activated_by TEXT,
    blocked      INTEGER,
    printed      INTEGER,
    new_expires_at  INTEGER,
    new_reseller_id INTEGER,
    new_blocked     INTEGER,
    PRIMARY KEY (op_id, card_id)
) WITHOUT ROWID;
-- "Was this card changed by a later operation?" looks a card up by id.
CREATE INDEX undo_cards_card ON undo_cards (card_id, op_id);

-- The redemption ledger: one row for every card ever redeemed, written by
-- the database itself (triggers below) in the same statement as the
-- redemption, and never deleted, not with the card and not by a restore.
-- A restore or an undo that brings a card back carries its redemption over.
CREATE TABLE redemptions (
    card_id INTEGER PRIMARY KEY,
    pin     TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    by      TEXT    NOT NULL
);
INSERT INTO redemptions (card_id, pin, at, by)
    SELECT id, pin, activated_at, activated_by FROM cards WHERE activated_at IS NOT NULL;

CREATE TRIGGER cards_redeemed AFTER UPDATE OF activated_at ON cards
    WHEN OLD.activated_at IS NULL AND NEW.activated_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO redemptions (card_id, pin, at, by)
        VALUES (NEW.id, NEW.pin, NEW.activated_at, NEW.activated_by);
END;

CREATE TRIGGER cards_inserted_redeemed AFTER INSERT ON cards
    WHEN NEW.activated_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO redemptions (card_id, pin, at, by)
        VALUES (NEW.id, NEW.pin, NEW.activated_at, NEW.activated_by);
END;

-- A redeemed card is never made redeemable again, whatever the program
-- does: clearing a redemption is refused, and so is bringing back a card
-- (by id; ids are never handed out twice) without the redemption the
-- ledger holds for it.
CREATE TRIGGER cards_stay_redeemed BEFORE UPDATE OF activated_at ON cards
    WHEN OLD.activated_at IS NOT NULL AND NEW.activated_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'a redeemed card stays redeemed');
END;

CREATE TRIGGER cards_back_redeemed BEFORE INSERT ON cards
    WHEN NEW.activated_at IS NULL AND EXISTS (SELECT 1 FROM redemptions WHERE card_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a redeemed card stays redeemed');
END;
