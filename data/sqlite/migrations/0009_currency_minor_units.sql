-- Amounts in each currency's own minor units (ISO 4217, currency_digits()
-- from CLDR's data): until now every amount was stored in hundredths,
-- whatever its currency. Two-decimal currencies (USD, EUR, …) keep their
-- values; three-decimal ones (KWD, BHD, OMR, JOD, TND, LYD, IQD) are
-- multiplied by 10; currencies without decimals (JPY, XOF, XAF, KRW, UGX,
-- VND, …) are divided by 100.
--
-- A value a currency without decimals cannot hold (5000.50 XOF, which the
-- old version let a person type) is rounded to the nearest whole unit,
-- halves up, and never below 1 (a card is worth something): 5000.50 XOF
-- becomes 5001 XOF. Nothing is rounded silently: every group of cards so
-- changed (one batch, one currency, one amount) gets a history entry
-- "migrate" naming the batch, the serial range, the count and both values,
-- and so do the deleted cards kept for undo and the batch records.

INSERT INTO history (at, action, detail, filter, cards)
SELECT unixepoch(), 'migrate',
    printf('Amounts are now stored in each currency''s minor units: %d card%s of %d.%02d %s rounded to %d %s, as %s has no decimals (%s)',
        count(*), CASE count(*) WHEN 1 THEN '' ELSE 's' END, amount / 100, amount % 100, currency,
        max(1, (amount + 50) / 100), currency, currency,
        CASE count(*) WHEN 1 THEN printf('serial %s-%09d', min(series), min(number))
            ELSE printf('serials %s-%09d to %s-%09d', min(series), min(number), max(series), max(number)) END),
    printf('batch %d', batch_id), count(*)
FROM cards
WHERE currency_digits(currency) = 0 AND amount % 100 <> 0
GROUP BY batch_id, currency, amount;

INSERT INTO history (at, action, detail, filter, cards)
SELECT unixepoch(), 'migrate',
    printf('Amounts are now stored in each currency''s minor units: %d deleted card%s kept for undo, of %d.%02d %s, rounded to %d %s, as %s has no decimals (%s)',
        count(*), CASE count(*) WHEN 1 THEN '' ELSE 's' END, amount / 100, amount % 100, currency,
        max(1, (amount + 50) / 100), currency, currency,
        CASE count(*) WHEN 1 THEN printf('serial %s-%09d', min(series), min(number))
            ELSE printf('serials %s-%09d to %s-%09d', min(series), min(number), max(series), max(number)) END),
    printf('batch %d', batch_id), count(*)
FROM undo_cards
WHERE deleted = 1 AND currency_digits(currency) = 0 AND amount % 100 <> 0
GROUP BY batch_id, currency, amount;

INSERT INTO history (at, action, detail, filter, cards)
SELECT unixepoch(), 'migrate',
    printf('Amounts are now stored in each currency''s minor units: batch %d was made as %d.%02d %s and is recorded as %d %s, as %s has no decimals',
        id, amount / 100, amount % 100, currency, max(1, (amount + 50) / 100), currency, currency),
    printf('batch %d', id), 0
FROM batches
WHERE currency_digits(currency) = 0 AND amount % 100 <> 0;

UPDATE cards SET amount = CASE currency_digits(currency)
        WHEN 0 THEN max(1, (amount + 50) / 100)
        WHEN 1 THEN max(1, (amount + 5) / 10)
        WHEN 3 THEN amount * 10
        WHEN 4 THEN amount * 100
    END
WHERE currency_digits(currency) <> 2;

UPDATE undo_cards SET amount = CASE currency_digits(currency)
        WHEN 0 THEN max(1, (amount + 50) / 100)
        WHEN 1 THEN max(1, (amount + 5) / 10)
        WHEN 3 THEN amount * 10
        WHEN 4 THEN amount * 100
    END
WHERE deleted = 1 AND currency_digits(currency) <> 2;

UPDATE batches SET amount = CASE currency_digits(currency)
        WHEN 0 THEN max(1, (amount + 50) / 100)
        WHEN 1 THEN max(1, (amount + 5) / 10)
        WHEN 3 THEN amount * 10
        WHEN 4 THEN amount * 100
    END
WHERE currency_digits(currency) <> 2;

-- An amount search checks each card's currency where a file mixes numbers
-- of decimals (JPY and USD): this index holds both, so that the search
-- reads no table row.
CREATE INDEX IF NOT EXISTS cards_amount_currency ON cards (amount, currency);
ANALYZE cards_amount_currency;
