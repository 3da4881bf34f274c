package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"topupcards/data"
)

// The undo journal. Every mass edit, delete and delete all writes, inside
// its own write transaction, a history entry (the operation) and the prior
// values of exactly the cards it changed (table undo_cards: a deleted card
// whole, an edited card's expiry, reseller and blocked flag before and
// after). Undo puts those values back in one transaction, so its cost
// follows the size of the change, not of the file, and it works the same on
// any SQL database.
//
// What undo promises:
//   - It never makes a redeemed card redeemable: it never touches a
//     redemption, and a deleted card brought back carries every redemption
//     the ledger (table redemptions) holds for it.
//   - It never overwrites a later change: if any card of the operation was
//     changed since by another operation that is still in force, was
//     deleted since, or (for a delete) is back already or has its PIN or
//     serial issued to another card, the whole undo is refused and names
//     those cards. Undo the later operation first (newest first), or leave
//     the change as it is. Redemptions and print runs since do not count as
//     changes: undoing a block keeps the card's redemption.
//   - Each operation can be undone once; the undo is itself an entry in the
//     history (action "undo"), and is not undoable itself: make the change
//     again instead.
//   - Journal entries are kept for JournalDays (90 by default) and then
//     pruned; an operation whose journal is gone can no longer be undone.

// beginOp writes the history entry of a journaled operation and returns its
// id, which the operation's undo_cards rows name. endOp fills in what the
// operation did.
func (c *Core) beginOp(ctx context.Context, tx Tx, at time.Time, action, filter string) (int64, error) {
	return InsertHistory(ctx, tx, c.b.User, at, action, "", filter, 0, 0)
}

// endOp completes operation op's history entry and prunes the journal.
func (c *Core) endOp(ctx context.Context, tx Tx, op int64, detail string, cards int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE history SET detail = ?, cards = ? WHERE id = ?", data.MaskPINs(detail), cards, op); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return c.pruneJournal(ctx, tx)
}

// pruneJournal drops the journal of operations older than JournalDays,
// oldest first. It looks at one operation at a time through the journal's
// key, so it costs nothing when there is nothing to prune.
func (c *Core) pruneJournal(ctx context.Context, tx Tx) error {
	days, err := journalDays(ctx, tx)
	if err != nil {
		return err
	}
	cutoff := c.b.Now().Add(-time.Duration(days) * 24 * time.Hour).Unix()
	for {
		var op, at int64
		err := tx.QueryRowContext(ctx, `SELECT u.op_id, h.at FROM (SELECT op_id FROM undo_cards ORDER BY op_id LIMIT 1) u
			JOIN history h ON h.id = u.op_id`).Scan(&op, &at)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && at >= cutoff) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("prune undo journal: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM undo_cards WHERE op_id = ?", op); err != nil {
			return fmt.Errorf("prune undo journal: %w", err)
		}
	}
}

// JournalDays is how many days the undo journal keeps an operation.
func (c *Core) JournalDays(ctx context.Context) (int, error) { return journalDays(ctx, c.b.Pool) }

func journalDays(ctx context.Context, q Tx) (int, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'journal_days'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return data.DefaultJournalDays, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read settings: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return data.DefaultJournalDays, nil
	}
	return n, nil
}

// SetJournalDays sets how many days the undo journal keeps an operation
// (1 to data.MaxJournalDays), and prunes what is now older.
func (c *Core) SetJournalDays(ctx context.Context, days int) error {
	if days < 1 || days > data.MaxJournalDays {
		return errf(data.ErrInvalid, "keep undo for %d days: choose 1 to %d days", days, data.MaxJournalDays)
	}
	return c.b.InTx(ctx, func(tx Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('journal_days', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(days)); err != nil {
			return fmt.Errorf("save settings: %w", err)
		}
		if err := c.Log(ctx, tx, c.b.Now(), "settings", fmt.Sprintf("undo is kept for %d days", days), "", 0); err != nil {
			return err
		}
		return c.pruneJournal(ctx, tx)
	})
}

// Undo takes back operation op (a history entry of a mass edit, delete or
// delete all) in one transaction, under the promises written at the top of
// this file. A refusal changes nothing.
func (c *Core) Undo(ctx context.Context, op int64) (data.UndoResult, error) {
	var res data.UndoResult
	err := c.b.InTx(ctx, func(tx Tx) error {
		h, err := historyEntry(ctx, tx, op)
		if err != nil {
			return err
		}
		if err := h.UndoRefusal(); err != nil {
			return err
		}
		if err := c.undoConflicts(ctx, tx, op); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `UPDATE cards SET expires_at = u.expires_at, reseller_id = u.reseller_id, blocked = u.blocked
			FROM undo_cards u WHERE u.op_id = ? AND u.deleted = 0 AND u.card_id = cards.id`, op)
		if err != nil {
			return fmt.Errorf("undo #%d: %w", op, err)
		}
		if res.Reverted, err = r.RowsAffected(); err != nil {
			return fmt.Errorf("undo #%d: %w", op, err)
		}
		// A card comes back with its redemption, from the journal or, if
		// it was redeemed later (a restore brought it back meanwhile), from
		// the ledger.
		r, err = tx.ExecContext(ctx, `INSERT INTO cards (id, series, number, pin, amount, currency, reseller_id, batch_id,
				expires_at, created_at, activated_at, activated_by, blocked, printed)
			SELECT u.card_id, u.series, u.number, u.pin, u.amount, u.currency, u.reseller_id, u.batch_id, u.expires_at,
				u.created_at,
				CASE WHEN u.activated_at IS NULL THEN l.at ELSE u.activated_at END,
				CASE WHEN u.activated_at IS NULL THEN l.by ELSE u.activated_by END,
				u.blocked, u.printed
			FROM undo_cards u LEFT JOIN redemptions l ON l.card_id = u.card_id
			WHERE u.op_id = ? AND u.deleted = 1 ORDER BY u.card_id`, op)
		if err != nil {
			return fmt.Errorf("undo #%d: %w", op, err)
		}
		if res.Restored, err = r.RowsAffected(); err != nil {
			return fmt.Errorf("undo #%d: %w", op, err)
		}
		now := c.b.Now()
		if res.Op, err = InsertHistory(ctx, tx, c.b.User, now, "undo", undoDetail(h, res), h.Filter, res.Cards(), op); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE history SET undone_by = ? WHERE id = ?", res.Op, op); err != nil {
			return fmt.Errorf("write history: %w", err)
		}
		res.Undid = op
		return nil
	})
	if err != nil {
		return data.UndoResult{}, err
	}
	return res, nil
}

func undoDetail(h data.HistoryEntry, res data.UndoResult) string {
	var parts []string
	if res.Restored > 0 {
		parts = append(parts, fmt.Sprintf("put back %d deleted cards", res.Restored))
	}
	if res.Reverted > 0 {
		parts = append(parts, fmt.Sprintf("gave %d cards their values before", res.Reverted))
	}
	return fmt.Sprintf("undid #%d (%s): %s", h.ID, h.Detail, strings.Join(parts, ", "))
}

// maxConflictsNamed is how many conflicting cards a refusal names.
const maxConflictsNamed = 10

// undoConflicts refuses the undo of op, naming the cards, when any card of
// op was changed since, is gone, is back already or has its PIN or serial
// issued again.
func (c *Core) undoConflicts(ctx context.Context, tx Tx, op int64) error {
	// "later" is the newest operation still in force that changed (or
	// deleted) the card after op; the value comparison catches changes made
	// otherwise (a restore).
	rows, err := tx.QueryContext(ctx, `SELECT serial, why, later, count(*) OVER () FROM (
		SELECT coalesce(`+c.b.Serial("c.series", "c.number")+`,
				(SELECT `+c.b.Serial("d.series", "d.number")+` FROM undo_cards d
				 WHERE d.card_id = u.card_id AND d.deleted = 1 ORDER BY d.op_id DESC LIMIT 1),
				'card ' || u.card_id) AS serial,
			CASE WHEN c.id IS NULL THEN 'deleted since'
				WHEN l.later IS NOT NULL THEN 'changed since'
				WHEN c.expires_at IS DISTINCT FROM u.new_expires_at OR c.reseller_id IS DISTINCT FROM u.new_reseller_id
					OR c.blocked IS DISTINCT FROM u.new_blocked THEN 'changed since'
				WHEN u.reseller_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resellers r WHERE r.id = u.reseller_id)
					THEN 'its reseller before was removed since'
			END AS why,
			CASE WHEN c.id IS NULL THEN (SELECT max(d.op_id) FROM undo_cards d JOIN history hd ON hd.id = d.op_id
				WHERE d.card_id = u.card_id AND d.deleted = 1 AND d.op_id > u.op_id AND hd.undone_by IS NULL)
				ELSE l.later END AS later, u.card_id AS card_id
		FROM undo_cards u
		LEFT JOIN cards c ON c.id = u.card_id
		LEFT JOIN (SELECT x.card_id, max(x.op_id) AS later FROM undo_cards x JOIN history hx ON hx.id = x.op_id
			WHERE x.op_id > ? AND hx.undone_by IS NULL AND x.card_id IN (SELECT card_id FROM undo_cards WHERE op_id = ?)
			GROUP BY x.card_id) l ON l.card_id = u.card_id
		WHERE u.op_id = ? AND u.deleted = 0
		UNION ALL
		SELECT `+c.b.Serial("u.series", "u.number")+`,
			CASE WHEN EXISTS (SELECT 1 FROM cards c WHERE c.id = u.card_id) THEN 'is back already'
				WHEN EXISTS (SELECT 1 FROM cards c WHERE c.pin = u.pin) THEN 'its PIN was issued to another card since'
				WHEN EXISTS (SELECT 1 FROM cards c WHERE c.series = u.series AND c.number = u.number)
					THEN 'its serial was issued to another card since'
				WHEN u.reseller_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resellers r WHERE r.id = u.reseller_id)
					THEN 'its reseller was removed since'
				WHEN NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = u.batch_id) THEN 'its batch is gone'
			END,
			NULL, u.card_id
		FROM undo_cards u WHERE u.op_id = ? AND u.deleted = 1
	) x WHERE why IS NOT NULL ORDER BY card_id LIMIT ?`, op, op, op, op, maxConflictsNamed)
	if err != nil {
		return fmt.Errorf("undo #%d: %w", op, err)
	}
	defer rows.Close()
	var named []string
	laterOps := map[int64]bool{}
	var total int64
	for rows.Next() {
		var serial, why string
		var later sql.NullInt64
		if err := rows.Scan(&serial, &why, &later, &total); err != nil {
			return fmt.Errorf("undo #%d: %w", op, err)
		}
		if later.Valid {
			why += fmt.Sprintf(" by #%d", later.Int64)
			laterOps[later.Int64] = true
		}
		named = append(named, serial+" ("+why+")")
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("undo #%d: %w", op, err)
	}
	if total == 0 {
		return nil
	}
	list := strings.Join(named, ", ")
	if total > int64(len(named)) {
		list += fmt.Sprintf(" and %d more", total-int64(len(named)))
	}
	advice := "nothing was changed; these cards keep their current values"
	if len(laterOps) > 0 {
		ops := make([]int64, 0, len(laterOps))
		for o := range laterOps {
			ops = append(ops, o)
		}
		slices.Sort(ops)
		slices.Reverse(ops)
		var names []string
		for _, o := range ops {
			names = append(names, "#"+strconv.FormatInt(o, 10))
		}
		advice = "nothing was changed; undo the later changes first, newest first (" + strings.Join(names, ", ") + "), or leave this one as it is"
	}
	return errf(data.ErrConflict, "undo #%d refused: %d cards cannot be put back: %s; %s", op, total, list, advice)
}
