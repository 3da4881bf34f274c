-- Two indexes that others cover: cards_reseller_serial (reseller_id, series,
-- number) serves every lookup by reseller_id, cards_batch_serial (batch_id,
-- series, number) every lookup by batch_id. Each index costs every insert,
-- delete and undo; these two bought nothing.
DROP INDEX IF EXISTS cards_reseller;
DROP INDEX IF EXISTS cards_batch;
