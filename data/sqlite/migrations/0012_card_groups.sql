-- Kept counts per group of cards that the search's fields select by: batch,
-- reseller, face value and currency, expiry, redeemed or not, blocked or not,
-- printed or not. A search by these fields only (and every status: the
-- expiry is in the key) is counted by adding up a few rows here instead of
-- hundreds of thousands of cards, and its first page in serial order is read
-- from the batches that hold its cards (a batch is one serial range). The
-- triggers keep the rows in step with every change to cards, in the same
-- statement, whoever makes it (generate, edit, redeem, delete, undo,
-- restore, print runs). Rows whose count reached 0 stay; searches skip them.
-- Written to run again over its own result (a file marked older than it is).
CREATE TABLE IF NOT EXISTS card_groups (
    batch_id    INTEGER NOT NULL,
    reseller_id INTEGER NOT NULL, -- 0: none
    amount      INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL, -- 0: never
    activated   INTEGER NOT NULL, -- 1: redeemed
    blocked     INTEGER NOT NULL,
    printed     INTEGER NOT NULL, -- 1: printed at least once
    n           INTEGER NOT NULL,
    PRIMARY KEY (batch_id, reseller_id, amount, currency, expires_at, activated, blocked, printed)
) WITHOUT ROWID;

DELETE FROM card_groups;
INSERT INTO card_groups
    SELECT batch_id, ifnull(reseller_id, 0), amount, currency, ifnull(expires_at, 0),
        activated_at IS NOT NULL, blocked, printed > 0, count(*)
    FROM cards GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE TRIGGER IF NOT EXISTS cards_group_insert AFTER INSERT ON cards
BEGIN
    INSERT INTO card_groups VALUES (NEW.batch_id, ifnull(NEW.reseller_id, 0), NEW.amount, NEW.currency,
        ifnull(NEW.expires_at, 0), NEW.activated_at IS NOT NULL, NEW.blocked, NEW.printed > 0, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER IF NOT EXISTS cards_group_delete AFTER DELETE ON cards
BEGIN
    UPDATE card_groups SET n = n - 1
        WHERE (batch_id, reseller_id, amount, currency, expires_at, activated, blocked, printed) =
            (OLD.batch_id, ifnull(OLD.reseller_id, 0), OLD.amount, OLD.currency, ifnull(OLD.expires_at, 0),
             OLD.activated_at IS NOT NULL, OLD.blocked, OLD.printed > 0);
END;

CREATE TRIGGER IF NOT EXISTS cards_group_update
    AFTER UPDATE OF batch_id, reseller_id, amount, currency, expires_at, activated_at, blocked, printed ON cards
    WHEN (OLD.batch_id, ifnull(OLD.reseller_id, 0), OLD.amount, OLD.currency, ifnull(OLD.expires_at, 0),
          OLD.activated_at IS NOT NULL, OLD.blocked, OLD.printed > 0) IS NOT
         (NEW.batch_id, ifnull(NEW.reseller_id, 0), NEW.amount, NEW.currency, ifnull(NEW.expires_at, 0),
          NEW.activated_at IS NOT NULL, NEW.blocked, NEW.printed > 0)
BEGIN
    UPDATE card_groups SET n = n - 1
        WHERE (batch_id, reseller_id, amount, currency, expires_at, activated, blocked, printed) =
            (OLD.batch_id, ifnull(OLD.reseller_id, 0), OLD.amount, OLD.currency, ifnull(OLD.expires_at, 0),
             OLD.activated_at IS NOT NULL, OLD.blocked, OLD.printed > 0);
    INSERT INTO card_groups VALUES (NEW.batch_id, ifnull(NEW.reseller_id, 0), NEW.amount, NEW.currency,
        ifnull(NEW.expires_at, 0), NEW.activated_at IS NOT NULL, NEW.blocked, NEW.printed > 0, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
