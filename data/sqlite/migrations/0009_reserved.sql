-- Reserved: number 9 belongs to another branch's migration. This file only
-- keeps the numbering whole on the templates branch; the merge replaces it
-- with the real 0009 (delete this file then).
SELECT 1;
