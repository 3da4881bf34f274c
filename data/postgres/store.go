// Package postgres keeps the cards of Top-up Cards on a PostgreSQL server,
// one pool shared by several desks (data.Store). Choose it with
// --db postgres://user@host:5432/dbname or TOPUPCARDS_DB.
//
// The server enforces what costs money when it goes wrong, as the SQLite
// file does: PINs and serials are unique indexes, a redemption is one guarded
// UPDATE … RETURNING (two desks racing for one PIN: one wins), the serials
// of a series are handed out under a lock per series, and every change is
// written to the history, with the database user who made it, in the same
// transaction as the change.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	"topupcards/data"
	"topupcards/data/sqlcore"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key held while the schema is brought
// up to date, so that two desks starting at once do not both migrate.
const migrationLock = 0x54555043

// Store keeps the cards on a PostgreSQL server. It is safe for concurrent
// use.
type Store struct {
	// The statements both stores share (data/sqlcore): the journal, mass
	// edit and delete, history, resellers, templates and print runs.
	*core
	db     pool
	url    string // as given, for LISTEN connections
	shown  string // without the password, for people
	config *pgx.ConnConfig
	// now is the clock; tests may replace it.
	now func() time.Time
	// watch listens for other desks' changes (watch.go).
	watch watch
	// manager: the login may do everything; otherwise it is a cashier's,
	// which reads the cards through topupcards_cashier (roles.go).
	manager bool
}

// IsURL reports whether db names a PostgreSQL server (postgres:// or
// postgresql://) rather than a SQLite file.
func IsURL(db string) bool {
	l := strings.ToLower(db)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Redact returns the URL without its password, to show to people.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the PostgreSQL server"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Open connects to the server at rawURL and brings the schema up to date
// (creating it in an empty database). A database that holds other tables
// named like ours but no Top-up Cards schema record, or a newer schema, is
// refused and left unchanged.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, data.NewError(data.ErrInvalid, "open %s: the URL cannot be read (%v); write it as postgres://user@host:5432/dbname", Redact(rawURL), err)
	}
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		// pgx prepares each statement once per connection; after five runs
		// the server would plan it once for any arguments, blind to the
		// page's LIMIT and the batch, and sort half a million cards for a
		// first page that walking an index finds in a millisecond.
		cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	if _, set := cfg.RuntimeParams["parallel_setup_cost"]; !set {
		// Starting parallel workers costs tens of milliseconds: worth it for
		// a scan of every card, not for a page the server guesses is large.
		cfg.RuntimeParams["parallel_setup_cost"] = "10000"
	}
	s := &Store{url: rawURL, shown: Redact(rawURL), config: cfg, now: time.Now}
	s.db = pool{stdlib.OpenDB(*cfg)}
	s.db.SetMaxOpenConns(16)
	s.db.SetMaxIdleConns(4)
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, s.unreachable(err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.db.QueryRowContext(ctx, "SELECT topupcards_is_manager()").Scan(&s.manager); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open %s: %w", s.shown, permission(err))
	}
	if !s.manager {
		// A cashier's queries read the cards through the masked view: its
		// schema comes first on every connection of the pool.
		s.db.Close()
		cfg.RuntimeParams["search_path"] = "topupcards_cashier, public"
		s.db = pool{stdlib.OpenDB(*cfg)}
		s.db.SetMaxOpenConns(16)
		s.db.SetMaxIdleConns(4)
	}
	s.core = sqlcore.New(sqlcore.Backend{
		Pool: s.db,
		InTx: func(ctx context.Context, fn func(tx sqlcore.Tx) error) error {
			return s.inTx(ctx, func(tx *txn) error { return fn(tx) })
		},
		Now:      s.Now,
		Where:    where,
		IsUnique: isUniqueViolation,
		Dialect: sqlcore.Dialect{
			Serial: func(series, number string) string { return series + " || '-' || lpad(" + number + "::text, 9, '0')" },
		},
	})
	return s, nil
}

// unreachable says plainly that the server could not be reached or refused
// the login, and what to check.
func (s *Store) unreachable(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return fmt.Errorf("open %s: the server refused the login (%s); check the user name and password in the URL", s.shown, pe.Message)
		case "3D000":
			return fmt.Errorf("open %s: %s; create it first (createdb) or check the name in the URL", s.shown, pe.Message)
		}
		return fmt.Errorf("open %s: %s", s.shown, pe.Message)
	}
	return fmt.Errorf("open %s: the PostgreSQL server cannot be reached (%v); check the host and port in the URL and that the server runs", s.shown, err)
}

// Path names the database for people: the URL without its password.
func (s *Store) Path() string { return s.shown }

// Warnings: a server's store finds nothing to warn about on open.
func (s *Store) Warnings() []string { return nil }

// SetClock replaces the store's clock (tests use it to move time forward).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now returns the store's current time in UTC, truncated to seconds.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Second) }

// Close closes the pool.
func (s *Store) Close() error {
	if s == nil || s.db.DB == nil {
		return nil
	}
	s.stopWatch()
	return s.db.Close()
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() []migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []migration
	for _, e := range entries {
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &v); err != nil {
			panic("migration without a version: " + e.Name())
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			panic("migrations are not numbered 1, 2, 3, ...: " + m.name)
		}
	}
	return ms
}

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations()) }

// migrate applies the missing migrations, each in its own transaction,
// under an advisory lock, and records them in topupcards_schema.
func (s *Store) migrate(ctx context.Context) error {
	version, ours, err := s.version(ctx, s.db)
	if err != nil {
		return err
	}
	if !ours {
		var tables int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name IN ('cards', 'batches', 'history')`).Scan(&tables); err != nil {
			return fmt.Errorf("open %s: %w", s.shown, err)
		}
		if tables > 0 {
			return data.NewError(data.ErrNotDatabase, "open %s: the database holds tables of another program; use an empty database", s.shown)
		}
	}
	if version > SchemaVersion() {
		return data.NewError(data.ErrNewerSchema, "open %s: schema version %d, this program knows up to %d; update Top-up Cards",
			s.shown, version, SchemaVersion())
	}
	if version == SchemaVersion() {
		return nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.unreachable(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("open %s: %w", s.shown, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	for _, m := range migrations() {
		if err := s.applyMigration(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// version reads the schema version (0 and not ours: no schema yet).
func (s *Store) version(ctx context.Context, q queryer) (int, bool, error) {
	var exists bool
	if err := q.QueryRowContext(ctx, "SELECT to_regclass('topupcards_schema') IS NOT NULL").Scan(&exists); err != nil {
		return 0, false, fmt.Errorf("open %s: %w", s.shown, err)
	}
	if !exists {
		return 0, false, nil
	}
	var v int
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM topupcards_schema").Scan(&v); err != nil {
		return 0, true, fmt.Errorf("open %s: %w", s.shown, err)
	}
	return v, true, nil
}

func (s *Store) applyMigration(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update the database %s to this version: %w", s.shown, err)
	}
	defer tx.Rollback()
	t := &txn{tx}
	if _, err := t.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS topupcards_schema (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("update the database %s: %w", s.shown, permission(err))
	}
	version, _, err := s.version(ctx, t)
	if err != nil {
		return err
	}
	if version >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s to version %d (%s): %w", s.shown, m.version, m.name, permission(err))
	}
	if _, err := t.ExecContext(ctx, "INSERT INTO topupcards_schema (version, name) VALUES (?, ?)", m.version, m.name); err != nil {
		return fmt.Errorf("migrate %s: %w", s.shown, err)
	}
	return tx.Commit()
}

// isUniqueViolation reports whether err is a unique constraint failure.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// permission turns the server's "permission denied" into a sentence that
// says what to do.
func permission(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" {
		return data.NewError(data.ErrNotPermitted, "the database refused: %s; this login's role does not allow it (ask a manager)", pe.Message)
	}
	return err
}

// inTx runs fn in one transaction and commits it.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.unreachable(err)
	}
	defer sqlTx.Rollback()
	if err := fn(&txn{sqlTx}); err != nil {
		return permission(err)
	}
	return permission(sqlTx.Commit())
}

// logTx writes one history entry inside tx, at the store's time now.
func (s *Store) logTx(ctx context.Context, tx *txn, action, detail, filter string, cards int64) error {
	_, err := insertHistory(ctx, tx, s.Now(), action, detail, filter, cards, 0)
	return err
}

// insertHistory writes one history entry; its user is the database user
// (the column's default; sqlcore.InsertHistory).
func insertHistory(ctx context.Context, tx *txn, at time.Time, action, detail, filter string, cards, undoOf int64) (int64, error) {
	return sqlcore.InsertHistory(ctx, tx, "", at, action, detail, filter, cards, undoOf)
}
