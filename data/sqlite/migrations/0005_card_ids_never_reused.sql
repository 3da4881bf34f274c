-- Card ids are never used twice: print runs (print_run_cards) name cards by
-- id and outlive deleted cards. SQLite hands out max(id) + 1, which after a
-- delete of the newest cards repeats old ids, so the highest id ever given
-- is kept here and generation continues above it.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('card_id', (SELECT ifnull(max(id), 0) FROM cards));
