-- Reseller names are unique regardless of case in every alphabet (SQLite's
-- NOCASE folds only A-Z): name_key is the name folded by casefold(), which
-- the program registers.
ALTER TABLE resellers ADD COLUMN name_key TEXT;
UPDATE resellers SET name_key = casefold(name);
CREATE UNIQUE INDEX resellers_name_key ON resellers (name_key);
