-- Kept counts per group of cards that searches select by: batch, reseller,
-- face value, currency, redeemed or not, blocked or not. A search by any of
-- these (and the status) is counted by adding up a few rows here instead of
-- counting hundreds of thousands of cards. As card_count_deltas: rows are
-- only added (one per group a statement changed), so desks never wait for
-- each other; the store folds them now and then.
CREATE TABLE card_group_deltas (
    batch_id    bigint   NOT NULL,
    reseller_id bigint   NOT NULL, -- 0: none
    amount      bigint   NOT NULL,
    currency    text     NOT NULL,
    activated   smallint NOT NULL, -- 1: redeemed
    blocked     smallint NOT NULL, -- 1: blocked and not redeemed
    n           bigint   NOT NULL
);
INSERT INTO card_group_deltas
    SELECT batch_id, coalesce(reseller_id, 0), amount, currency, (activated_at IS NOT NULL)::int,
        (activated_at IS NULL AND blocked = 1)::int, count(*)
    FROM cards GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION cards_grouped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO card_group_deltas
            SELECT batch_id, coalesce(reseller_id, 0), amount, currency, (activated_at IS NOT NULL)::int,
                (activated_at IS NULL AND blocked = 1)::int, count(*)
            FROM new_cards GROUP BY 1, 2, 3, 4, 5, 6;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO card_group_deltas
            SELECT batch_id, coalesce(reseller_id, 0), amount, currency, (activated_at IS NOT NULL)::int,
                (activated_at IS NULL AND blocked = 1)::int, -count(*)
            FROM old_cards GROUP BY 1, 2, 3, 4, 5, 6;
    ELSE
        -- Only the groups whose counts moved: a print run or an expiry
        -- edit writes nothing here.
        INSERT INTO card_group_deltas
            SELECT b, r, amount, currency, a, bl, sum(n) FROM (
                SELECT batch_id AS b, coalesce(reseller_id, 0) AS r, amount, currency,
                    (activated_at IS NOT NULL)::int AS a, (activated_at IS NULL AND blocked = 1)::int AS bl, count(*) AS n
                FROM new_cards GROUP BY 1, 2, 3, 4, 5, 6
                UNION ALL
                SELECT batch_id, coalesce(reseller_id, 0), amount, currency,
                    (activated_at IS NOT NULL)::int, (activated_at IS NULL AND blocked = 1)::int, -count(*)
                FROM old_cards GROUP BY 1, 2, 3, 4, 5, 6) x
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cards_grouped_insert AFTER INSERT ON cards
    REFERENCING NEW TABLE AS new_cards FOR EACH STATEMENT EXECUTE FUNCTION cards_grouped();
CREATE TRIGGER cards_grouped_delete AFTER DELETE ON cards
    REFERENCING OLD TABLE AS old_cards FOR EACH STATEMENT EXECUTE FUNCTION cards_grouped();
CREATE TRIGGER cards_grouped_update AFTER UPDATE ON cards
    REFERENCING OLD TABLE AS old_cards NEW TABLE AS new_cards FOR EACH STATEMENT EXECUTE FUNCTION cards_grouped();
