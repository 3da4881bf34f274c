-- Top-up Cards schema, version 1.
-- Times are Unix seconds in UTC. Money is an integer count of minor units.

CREATE TABLE resellers (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) > 0),
    created_at INTEGER NOT NULL
);

-- Every generation is a batch that records its parameters.
CREATE TABLE batches (
    id           INTEGER PRIMARY KEY,
    series       TEXT    NOT NULL,
    first_number INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    currency     TEXT    NOT NULL,
    pin_length   INTEGER NOT NULL,
    check_digit  INTEGER NOT NULL DEFAULT 0,
    reseller     TEXT    NOT NULL DEFAULT '',
    expires_at   INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE TABLE cards (
    id           INTEGER PRIMARY KEY,
    series       TEXT    NOT NULL,
    number       INTEGER NOT NULL CHECK (number BETWEEN 1 AND 999999999),
    pin          TEXT    NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0),
    currency     TEXT    NOT NULL,
    reseller_id  INTEGER REFERENCES resellers (id),
    batch_id     INTEGER NOT NULL REFERENCES batches (id),
    expires_at   INTEGER,
    created_at   INTEGER NOT NULL,
    activated_at INTEGER,
    activated_by TEXT,
    blocked      INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    CHECK ((activated_at IS NULL) = (activated_by IS NULL))
);

-- Uniqueness is the database's job: no two cards share a PIN or a serial.
CREATE UNIQUE INDEX cards_pin ON cards (pin);
CREATE UNIQUE INDEX cards_serial ON cards (series, number);

-- Indexes for the sort orders (keyset paging walks them) and the filters.
CREATE INDEX cards_amount ON cards (amount);
CREATE INDEX cards_currency ON cards (currency);
CREATE INDEX cards_reseller ON cards (reseller_id);
CREATE INDEX cards_batch ON cards (batch_id);
CREATE INDEX cards_created ON cards (created_at);
CREATE INDEX cards_expires ON cards (ifnull(expires_at, 0));
CREATE INDEX cards_activated_at ON cards (ifnull(activated_at, 0));
CREATE INDEX cards_activated_by ON cards (ifnull(activated_by, '') COLLATE NOCASE);

-- The audit log: every change, written in the same transaction as the change.
CREATE TABLE history (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    action TEXT    NOT NULL,
    detail TEXT    NOT NULL,
    filter TEXT    NOT NULL DEFAULT '',
    cards  INTEGER NOT NULL DEFAULT 0
);
