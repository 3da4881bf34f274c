-- Counts the window shows at once on a million cards: how many cards there
-- are, how many are redeemed and how many blocked, kept by the server as
-- rows of deltas (one per statement that changes them) rather than counted
-- row by row on every search. Rows are only ever added, so two desks
-- changing cards at once never wait for each other here; the store folds
-- them into one row now and then (Store.Count).
CREATE TABLE card_count_deltas (
    total     bigint NOT NULL,
    activated bigint NOT NULL,
    blocked   bigint NOT NULL -- blocked and not redeemed
);
INSERT INTO card_count_deltas
    SELECT count(*), count(*) FILTER (WHERE activated_at IS NOT NULL),
        count(*) FILTER (WHERE activated_at IS NULL AND blocked = 1)
    FROM cards;

CREATE FUNCTION cards_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO card_count_deltas
            SELECT count(*), count(*) FILTER (WHERE activated_at IS NOT NULL),
                count(*) FILTER (WHERE activated_at IS NULL AND blocked = 1)
            FROM new_cards HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO card_count_deltas
            SELECT -count(*), -count(*) FILTER (WHERE activated_at IS NOT NULL),
                -count(*) FILTER (WHERE activated_at IS NULL AND blocked = 1)
            FROM old_cards HAVING count(*) > 0;
    ELSE
        INSERT INTO card_count_deltas
            SELECT 0, n.a - o.a, n.b - o.b FROM
                (SELECT count(*) FILTER (WHERE activated_at IS NOT NULL) AS a,
                    count(*) FILTER (WHERE activated_at IS NULL AND blocked = 1) AS b FROM new_cards) n,
                (SELECT count(*) FILTER (WHERE activated_at IS NOT NULL) AS a,
                    count(*) FILTER (WHERE activated_at IS NULL AND blocked = 1) AS b FROM old_cards) o
            WHERE n.a <> o.a OR n.b <> o.b;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cards_counted_insert AFTER INSERT ON cards
    REFERENCING NEW TABLE AS new_cards FOR EACH STATEMENT EXECUTE FUNCTION cards_counted();
CREATE TRIGGER cards_counted_delete AFTER DELETE ON cards
    REFERENCING OLD TABLE AS old_cards FOR EACH STATEMENT EXECUTE FUNCTION cards_counted();
CREATE TRIGGER cards_counted_update AFTER UPDATE ON cards
    REFERENCING OLD TABLE AS old_cards NEW TABLE AS new_cards FOR EACH STATEMENT EXECUTE FUNCTION cards_counted();

-- The expired cards are counted through this index (few of them).
CREATE INDEX cards_expired_live ON cards (expires_at) INCLUDE (amount, currency, reseller_id, batch_id)
    WHERE activated_at IS NULL AND blocked = 0;
