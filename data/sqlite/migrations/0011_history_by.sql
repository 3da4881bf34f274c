-- Who made each change: the operating-system user of the process that
-- wrote the entry ('' for entries written before this version).
ALTER TABLE history ADD COLUMN by TEXT NOT NULL DEFAULT '';
