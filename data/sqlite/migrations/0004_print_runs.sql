-- Print runs: every voucher sheet written (PDF or Excel) is recorded with
-- the cards on it, and every card counts how often it was printed, so that
-- a card printed before is marked REPRINT when printed again.
--
-- Adding a column with a constant default rewrites no rows.
ALTER TABLE cards ADD COLUMN printed INTEGER NOT NULL DEFAULT 0 CHECK (printed >= 0);
-- The Printed sort: the index is in (printed, id) order, the order keyset
-- paging walks.
CREATE INDEX cards_printed ON cards (printed);
-- The Printed filter (printed or never printed) in serial order: the first
-- page and the ids come out of the index without a sort, whichever of the
-- two is most cards.
CREATE INDEX cards_printed_serial ON cards (printed > 0, series, number);

CREATE TABLE print_runs (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    format   TEXT    NOT NULL CHECK (format IN ('pdf', 'xlsx')),
    layout   TEXT    NOT NULL DEFAULT '',
    path     TEXT    NOT NULL,
    filter   TEXT    NOT NULL DEFAULT '', -- the cards' search, in words
    cards    INTEGER NOT NULL DEFAULT 0,
    reprints INTEGER NOT NULL DEFAULT 0   -- of those, cards printed before
);

-- The cards of each run. card_id has no foreign key on purpose: deleting
-- cards keeps the record of what was printed (the sheets exist).
CREATE TABLE print_run_cards (
    run_id  INTEGER NOT NULL REFERENCES print_runs (id) ON DELETE CASCADE,
    card_id INTEGER NOT NULL,
    PRIMARY KEY (run_id, card_id)
) WITHOUT ROWID;

-- Statistics for the new indexes alone (a pass over each, not over the
-- table), so that the planner knows they select many cards and prefers the
-- other filters' indexes where there are any.
ANALYZE cards_printed;
ANALYZE cards_printed_serial;
