-- The client search ("name contains") through a trigram index, so that it
-- reads the few cards whose redeemer's name holds the text instead of every
-- redeemed card. pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension: the database's owner may create it. Where it cannot be made
-- the search still works, reading every redeemed card, and nothing fails.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS cards_client_trgm ON cards USING gin (lower(activated_by) gin_trgm_ops)
        WHERE activated_by IS NOT NULL;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'no trigram index for the client search: %', SQLERRM;
END $$;
