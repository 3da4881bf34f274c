-- Reserved: number 8 belongs to another branch's migration. This file only
-- keeps the numbering whole on the templates branch; the merge replaces it
-- with the real 0008 (delete this file then).
SELECT 1;
