-- Indexes for the searches that scanned the whole table.
-- Blocked and expired cards (status blocked, expired) are few: these partial
-- indexes hold only them, so they cover the status terms without tempting
-- the planner for status new (most cards), which is better served in
-- serial or id order.
CREATE INDEX cards_blocked ON cards (blocked, activated_at) WHERE activated_at IS NULL AND blocked = 1;
CREATE INDEX cards_expiring ON cards (expires_at, blocked, activated_at) WHERE activated_at IS NULL AND expires_at IS NOT NULL;
-- The client search reads the names from this index instead of the table.
CREATE INDEX cards_client ON cards (activated_by) WHERE activated_by IS NOT NULL;
-- A reseller's or a batch's cards in serial order: the first page and the
-- ids come out of the index without a sort.
CREATE INDEX cards_reseller_serial ON cards (reseller_id, series, number);
CREATE INDEX cards_batch_serial ON cards (batch_id, series, number);
-- Statistics for the new indexes, so that the planner weighs them (about 2 s
-- on a million cards, once).
ANALYZE;
