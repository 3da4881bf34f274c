-- The kept counts per group also hold the expiry and whether the cards were
-- ever printed (as the SQLite store's card_groups): every status, an expiry
-- range and the Printed filter are then counted from them too, and a
-- search's first page in serial order is read from the batches that hold
-- its cards (data.GroupSQL, data.SerialSpans). Altered, not re-created, so
-- the roles' grants on the table stay.
ALTER TABLE card_group_deltas
    ADD COLUMN expires_at bigint   NOT NULL DEFAULT 0, -- 0: never
    ADD COLUMN printed    smallint NOT NULL DEFAULT 0; -- 1: printed at least once

DELETE FROM card_group_deltas;
INSERT INTO card_group_deltas (batch_id, reseller_id, amount, currency, activated, blocked, expires_at, printed, n)
    SELECT batch_id, coalesce(reseller_id, 0), amount, currency, (activated_at IS NOT NULL)::int,
        (activated_at IS NULL AND blocked = 1)::int, coalesce(expires_at, 0), (printed > 0)::int, count(*)
    FROM cards GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE OR REPLACE FUNCTION cards_grouped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO card_group_deltas (batch_id, reseller_id, amount, currency, activated, blocked, expires_at, printed, n)
            SELECT batch_id, coalesce(reseller_id, 0), amount, currency, (activated_at IS NOT NULL)::int,
                (activated_at IS NULL AND blocked = 1)::int, coalesce(expires_at, 0), (printed > 0)::int, count(*)
            FROM new_cards GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO card_group_deltas (batch_id, reseller_id, amount, currency, activated, blocked, expires_at, printed, n)
            SELECT batch_id, coalesce(reseller_id, 0), amount, currency, (activated_at IS NOT NULL)::int,
                (activated_at IS NULL AND blocked = 1)::int, coalesce(expires_at, 0), (printed > 0)::int, -count(*)
            FROM old_cards GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSE
        -- Only the groups whose counts moved: a reprint writes nothing here.
        INSERT INTO card_group_deltas (batch_id, reseller_id, amount, currency, activated, blocked, expires_at, printed, n)
            SELECT b, r, amount, currency, a, bl, e, p, sum(n) FROM (
                SELECT batch_id AS b, coalesce(reseller_id, 0) AS r, amount, currency,
                    (activated_at IS NOT NULL)::int AS a, (activated_at IS NULL AND blocked = 1)::int AS bl,
                    coalesce(expires_at, 0) AS e, (printed > 0)::int AS p, count(*) AS n
                FROM new_cards GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                UNION ALL
                SELECT batch_id, coalesce(reseller_id, 0), amount, currency,
                    (activated_at IS NOT NULL)::int, (activated_at IS NULL AND blocked = 1)::int,
                    coalesce(expires_at, 0), (printed > 0)::int, -count(*)
                FROM old_cards GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) x
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END $$;
