package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"topupcards/data"
)

// restoreSource is a backup checked for a restore, ready to attach: the
// file itself, or a copy brought to this schema when it is older.
type restoreSource struct {
	backup data.Backup
	path   string // what to attach
	tmp    string // the upgraded copy to remove afterwards, if any
}

func (r *restoreSource) close() {
	if r.tmp != "" {
		removeWithJournal(r.tmp)
	}
}

// RestorePlan checks the backup file in full and says what restoring it
// would change. Nothing is written.
func (s *Store) RestorePlan(ctx context.Context, file string) (data.RestorePlan, error) {
	src, err := s.restoreSource(ctx, file)
	if err != nil {
		return data.RestorePlan{}, err
	}
	defer src.close()
	conn, detach, err := s.attachBackup(ctx, src.path, src.tmp != "")
	if err != nil {
		return data.RestorePlan{}, err
	}
	defer detach()
	return planRestore(ctx, conn, src.backup)
}

// Restore replaces the cards, batches and resellers with those of a backup.
// It checks the backup in full first and refuses a damaged one, a newer
// one, or one of another database, changing nothing. Then it backs up the
// current state (so that the restore can be undone by restoring that), and
// in one transaction puts the backup's cards back with every redemption
// made since carried over (a redeemed card never becomes redeemable again)
// and the prints made since counted. Batches are kept and the backup's
// missing ones added, so serial numbers never repeat; the history, the
// print runs, the redemption ledger, the undo journal and the card id
// counter are the current database's and stay. If the restore fails, its
// backup of the current state is removed again and no old backup is
// pruned.
func (s *Store) Restore(ctx context.Context, file string) (data.RestoreResult, error) {
	if err := s.writable(ctx); err != nil {
		return data.RestoreResult{}, err
	}
	src, err := s.restoreSource(ctx, file)
	if err != nil {
		return data.RestoreResult{}, err
	}
	defer src.close()
	before, err := s.createBackup(ctx, data.BackupBeforeRestore)
	if err != nil {
		return data.RestoreResult{}, fmt.Errorf("restore: the current state could not be backed up first, so nothing was restored: %w", err)
	}
	res, err := s.restoreFrom(ctx, src)
	if err != nil {
		if before.Fresh {
			removeWithJournal(before.Path)
		}
		return data.RestoreResult{}, err
	}
	res.Before = before
	if err := s.prune(ctx); err != nil {
		return res, err
	}
	return res, nil
}

func (s *Store) restoreFrom(ctx context.Context, src *restoreSource) (data.RestoreResult, error) {
	conn, detach, err := s.attachBackup(ctx, src.path, src.tmp != "")
	if err != nil {
		return data.RestoreResult{}, err
	}
	defer detach()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return data.RestoreResult{}, fmt.Errorf("restore: %w", busy(err))
	}
	defer tx.Rollback()
	// The plan again inside the write transaction: nothing changes between
	// counting and copying.
	plan, err := planRestore(ctx, tx, src.backup)
	if err != nil {
		return data.RestoreResult{}, err
	}
	if err := restoreRows(ctx, tx, plan); err != nil {
		return data.RestoreResult{}, fmt.Errorf("restore %s: nothing was changed: %w", src.backup.Path, err)
	}
	detail := fmt.Sprintf("restored the backup %s of %s; it replaced %d cards: %d made since removed, %d edited since set back (%d unblocked), %d deleted since brought back; %d redemptions and %d print runs since kept",
		filepath.Base(src.backup.Path), data.Plain.Timestamp(src.backup.Created), plan.Current, plan.Added, plan.Changed, plan.Unblocked, plan.Deleted,
		plan.Redemptions, plan.PrintRuns)
	if err := s.logTx(ctx, tx, "restore", detail, "", src.backup.Cards); err != nil {
		return data.RestoreResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return data.RestoreResult{}, fmt.Errorf("restore: %w", busy(err))
	}
	return data.RestoreResult{Plan: plan, Cards: src.backup.Cards}, nil
}

// restoreRows makes the open database's cards and resellers the attached
// backup's, touching only the rows that differ (a restore after a few
// changes writes a few rows, not every card and index entry again), and
// adds the backup's missing batches. Each card keeps the redemption the
// ledger holds for it and counts the prints made since the backup.
func restoreRows(ctx context.Context, tx *sql.Tx, plan data.RestorePlan) error {
	cardCols, err := tableColumns(ctx, tx, "cards")
	if err != nil {
		return err
	}
	resellerCols, err := tableColumns(ctx, tx, "resellers")
	if err != nil {
		return err
	}
	batchCols, err := tableColumns(ctx, tx, "batches")
	if err != nil {
		return err
	}
	// The cards as they are to be: the backup's, with the ledger's
	// redemptions and the prints since.
	var sel, differs []string
	for _, c := range cardCols {
		switch strings.Trim(c, `"`) {
		case "activated_at":
			sel = append(sel, "CASE WHEN s.activated_at IS NULL THEN r.at ELSE s.activated_at END AS activated_at")
		case "activated_by":
			sel = append(sel, "CASE WHEN s.activated_at IS NULL THEN r.by ELSE s.activated_by END AS activated_by")
		case "printed":
			sel = append(sel, "s.printed + ifnull(p.n, 0) AS printed")
		default:
			sel = append(sel, "s."+c)
		}
		differs = append(differs, "c."+c+" IS NOT n."+c)
	}
	cc, rc, bc := strings.Join(cardCols, ", "), strings.Join(resellerCols, ", "), strings.Join(batchCols, ", ")
	var nc []string
	for _, c := range cardCols {
		nc = append(nc, "n."+c)
	}
	var sameReseller []string
	for _, c := range resellerCols {
		sameReseller = append(sameReseller, "s."+c+" IS main.resellers."+c)
	}
	remove := "DELETE FROM main.cards WHERE NOT EXISTS (SELECT 1 FROM snap.cards s WHERE s.id = main.cards.id)"
	if plan.Added == 0 {
		remove = "SELECT 1" // no card made since: spare a pass over every card
	}
	add := "INSERT INTO main.cards (" + cc + ") SELECT " + cc + " FROM temp.restore_cards n WHERE NOT EXISTS (SELECT 1 FROM main.cards c WHERE c.id = n.id)"
	if plan.Deleted == 0 {
		add = "SELECT 1"
	}
	for _, q := range []string{
		// Card ids are never handed out twice: the counter only grows.
		`UPDATE main.counters SET value = max(value, (SELECT ifnull(max(id), 0) FROM main.cards),
			(SELECT ifnull(max(id), 0) FROM snap.cards),
			ifnull((SELECT value FROM snap.counters WHERE name = 'card_id'), 0)) WHERE name = 'card_id'`,
		// Cards and resellers change places in steps: check the references
		// at the commit.
		"PRAGMA defer_foreign_keys = ON",
		"DROP VIEW IF EXISTS temp.restore_cards",
		"DROP TABLE IF EXISTS temp.restore_prints",
		`CREATE TEMP TABLE restore_prints (card_id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`,
		`INSERT INTO temp.restore_prints SELECT card_id, count(*) FROM main.print_run_cards
			WHERE run_id > (SELECT ifnull(max(id), 0) FROM snap.print_runs) GROUP BY card_id`,
		"CREATE TEMP VIEW restore_cards AS SELECT " + strings.Join(sel, ", ") + ` FROM snap.cards s
			LEFT JOIN main.redemptions r ON r.card_id = s.id LEFT JOIN temp.restore_prints p ON p.card_id = s.id`,
		"DELETE FROM main.resellers WHERE NOT EXISTS (SELECT 1 FROM snap.resellers s WHERE " + strings.Join(sameReseller, " AND ") + ")",
		"INSERT INTO main.resellers (" + rc + ") SELECT " + rc + " FROM snap.resellers s WHERE NOT EXISTS (SELECT 1 FROM main.resellers m WHERE m.id = s.id)",
		// Batches record what was generated (serials continue after them):
		// the current ones stay, the backup's missing ones come back.
		"INSERT INTO main.batches (" + bc + ") SELECT " + bc + " FROM snap.batches s WHERE NOT EXISTS (SELECT 1 FROM main.batches b WHERE b.id = s.id)",
		remove,
		"UPDATE main.cards AS c SET (" + cc + ") = (" + strings.Join(nc, ", ") + ") FROM temp.restore_cards AS n WHERE n.id = c.id AND (" +
			strings.Join(differs, " OR ") + ")",
		add,
		"DROP VIEW temp.restore_cards",
		"DROP TABLE temp.restore_prints",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// planRestore counts, with the backup attached as snap, what a restore
// would change.
func planRestore(ctx context.Context, q querier, b data.Backup) (data.RestorePlan, error) {
	p := data.RestorePlan{Backup: b}
	var inBackup, inBoth int64
	for _, c := range []struct {
		dst []any
		q   string
	}{
		{[]any{&p.Current}, "SELECT count(*) FROM main.cards"},
		{[]any{&inBackup}, "SELECT count(*) FROM snap.cards"},
		// One pass over the cards in both, in id order.
		{[]any{&inBoth, &p.Changed, &p.Unblocked}, `SELECT count(*),
			ifnull(sum(c.expires_at IS NOT s.expires_at OR c.reseller_id IS NOT s.reseller_id OR c.blocked != s.blocked), 0),
			ifnull(sum(c.blocked = 1 AND s.blocked = 0 AND c.activated_at IS NULL), 0)
			FROM snap.cards s JOIN main.cards c ON c.id = s.id`},
		{[]any{&p.Edits}, `SELECT count(*) FROM main.history WHERE id > (SELECT ifnull(max(id), 0) FROM snap.history)
			AND action IN ('generate', 'edit', 'delete', 'restore', 'undo')`},
		{[]any{&p.PrintRuns}, "SELECT count(*) FROM main.print_runs WHERE id > (SELECT ifnull(max(id), 0) FROM snap.print_runs)"},
		{[]any{&p.Redemptions}, "SELECT count(*) FROM main.redemptions r JOIN snap.cards s ON s.id = r.card_id WHERE s.activated_at IS NULL"},
	} {
		if err := q.QueryRowContext(ctx, c.q).Scan(c.dst...); err != nil {
			return p, fmt.Errorf("restore: compare with the backup: %w", err)
		}
	}
	// Card ids are never given twice: a card in one and not the other was
	// made, or deleted, since the backup.
	p.Added, p.Deleted = p.Current-inBoth, inBackup-inBoth
	return p, nil
}

// tableColumns lists a table's columns in the open database.
func tableColumns(ctx context.Context, q querier, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid", table)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		cols = append(cols, `"`+c+`"`)
	}
	return cols, rows.Err()
}

// attachBackup attaches path read-only as snap on a connection of its own.
func (s *Store) attachBackup(ctx context.Context, path string, readWrite bool) (*sql.Conn, func(), error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("restore: %w", err)
	}
	uri := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&immutable=1"
	if readWrite {
		uri = path // an upgraded copy of our own, in WAL mode
	}
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE "+sqlText(uri)+" AS snap"); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("restore: open the backup: %w", err)
	}
	return conn, func() {
		conn.ExecContext(context.Background(), "DETACH DATABASE snap")
		conn.Close()
	}, nil
}

// restoreSource checks file in full for a restore into this database: it
// exists, is not the database itself, is a complete and intact Top-up Cards
// database (its checksum too, when its name carries one) of a schema this
// program knows, and is a backup of this database (the same identity; a
// backup without one, from before schema 6, only as one of this database's
// backups in its backups folder).
func (s *Store) restoreSource(ctx context.Context, file string) (*restoreSource, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, errf(data.ErrBackupNotFound, "restore %s: no such backup; `topupcards backups list` shows them", file)
	}
	if cur, err := os.Stat(s.path); abs == s.path || (err == nil && os.SameFile(st, cur)) {
		return nil, errf(data.ErrInvalid, "restore: %s is the open database itself, not a backup; choose a file in %s", file, s.BackupDir())
	}
	// A backup whose name carries its checksum is checked against it: then
	// it is byte for byte the file that passed its checks when it was made,
	// and SQLite's quick check suffices. Any other file gets the full
	// integrity check.
	name := filepath.Base(abs)
	b, named := parseAnyBackupName(name)
	level := checkFull
	if named {
		sum, err := fileCRC(abs)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if sum != b.Checksum {
			return nil, errf(data.ErrBackupDamaged, "restore refused, nothing was changed: %s is damaged (its checksum is %s, its name says %s); choose another backup", file, sum, b.Checksum)
		}
		level = checkQuick
	} else if lb, ok := parseLegacyName(s.path, name); ok {
		b = lb
	} else {
		b = data.Backup{Created: st.ModTime().UTC().Truncate(1e9), Reason: "file"}
	}
	info, err := checkBackupFile(ctx, abs, level)
	if err != nil {
		return nil, fmt.Errorf("restore refused, nothing was changed: %w", err)
	}
	b.Path, b.Cards, b.Size = abs, info.cards, st.Size()
	identity, err := readIdentity(ctx, s.db, "main")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	switch {
	case info.identity != "" && info.identity != identity:
		return nil, errf(data.ErrForeignBackup, "restore refused, nothing was changed: %s is a backup of another database (identity %.12s, this one is %.12s); restore it into the file it was made from", file, info.identity, identity)
	case info.identity == "":
		if _, ok := s.ownBackup(name, identity); !ok || filepath.Dir(abs) != s.BackupDir() {
			return nil, errf(data.ErrForeignBackup, "restore refused, nothing was changed: %s has no database identity (made before version 6), so it is restored only from %s under this database's name", file, s.BackupDir())
		}
	}
	src := &restoreSource{backup: b, path: abs}
	if info.version < SchemaVersion() {
		if err := src.upgrade(ctx, s.BackupDir()); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// parseAnyBackupName reads a name made by backupName for any database file.
func parseAnyBackupName(name string) (data.Backup, bool) {
	parts := strings.Split(strings.TrimSuffix(name, backupExt), ".")
	if !strings.HasSuffix(name, backupExt) || len(parts) < 5 {
		return data.Backup{}, false
	}
	return parseBackupName(strings.Join(parts[:len(parts)-4], "."), name)
}

// upgrade brings a copy of an older backup to this schema; the backup
// itself stays as it is.
func (r *restoreSource) upgrade(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp, err := createTemp(dir, tmpRestorePrefix)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	r.tmp = tmp
	if err := copyFile(r.path, tmp); err != nil {
		r.close()
		return fmt.Errorf("restore: copy the backup: %w", err)
	}
	s, err := open(ctx, tmp, false)
	if err == nil {
		err = s.db.Close()
	}
	if err != nil {
		r.close()
		return fmt.Errorf("restore: bring the backup to schema %d: %w", SchemaVersion(), err)
	}
	r.path = tmp
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
