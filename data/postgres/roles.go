package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strings"

	"topupcards/data"

	"github.com/jackc/pgx/v5"
)

// Roles: the server, not only the window, decides what a login may do.
//
//	topupcards_manager  everything: generate, edit, delete, undo, export, print, redeem
//	topupcards_cashier  search, see cards with the PINs of unredeemed cards masked
//	                    (topupcards_cashier.cards), and redeem (topupcards_redeem);
//	                    no right on public.cards, no generation, edit, delete or export
//
// Setup creates both roles and their grants; AddUser makes a login that is
// a member of one of them.
const (
	managerRole = "topupcards_manager"
	cashierRole = "topupcards_cashier"
)

// setupSQL creates the roles and grants them their rights; every statement
// may run again.
const setupSQL = `
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'topupcards_manager') THEN
		CREATE ROLE topupcards_manager NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'topupcards_cashier') THEN
		CREATE ROLE topupcards_cashier NOLOGIN;
	END IF;
END $$;
GRANT USAGE ON SCHEMA public, topupcards_cashier TO topupcards_manager, topupcards_cashier;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO topupcards_manager;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO topupcards_manager;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO topupcards_manager;
GRANT SELECT ON topupcards_cashier.cards TO topupcards_manager, topupcards_cashier;
GRANT SELECT ON resellers, batches, print_runs, print_run_cards, meta, topupcards_schema, history TO topupcards_cashier;
GRANT SELECT (op_id, card_id) ON undo_cards TO topupcards_cashier;
GRANT SELECT ON card_count_deltas, card_group_deltas TO topupcards_cashier;
GRANT EXECUTE ON FUNCTION topupcards_redeem(text, text, bigint), topupcards_log_redeem(bigint, text, text, text, bigint),
	topupcards_is_manager() TO topupcards_cashier;
`

// Setup makes the database at adminURL ready for several desks: the schema
// (created or brought up to date), the roles topupcards_manager and
// topupcards_cashier and their grants. It may run again (after an upgrade,
// say): it changes only what is missing. adminURL's login must be the
// database's owner or a superuser, and may create roles.
func Setup(ctx context.Context, adminURL string) error {
	s, err := Open(ctx, adminURL)
	if err != nil {
		return err
	}
	defer s.Close()
	if !s.manager {
		return data.NewError(data.ErrNotPermitted, "setup-postgres %s: log in as the database's owner or a superuser (this login may not create roles)", s.shown)
	}
	conn, err := pgx.ConnectConfig(ctx, s.config.Copy())
	if err != nil {
		return s.unreachable(err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return s.unreachable(err)
	}
	defer tx.Rollback(context.Background())
	// Two setups at once would race on CREATE ROLE: one at a time.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock+1); err != nil {
		return fmt.Errorf("setup-postgres: %w", err)
	}
	if _, err := tx.Exec(ctx, setupSQL); err != nil {
		return fmt.Errorf("setup-postgres %s: %w", s.shown, permission(err))
	}
	db := pgx.Identifier{s.config.Database}.Sanitize()
	if _, err := tx.Exec(ctx, "GRANT CONNECT ON DATABASE "+db+" TO topupcards_manager, topupcards_cashier"); err != nil {
		return fmt.Errorf("setup-postgres %s: %w", s.shown, permission(err))
	}
	return tx.Commit(ctx)
}

// userName is what a login's name may be: a plain SQL identifier.
var userName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// AddUser creates the login name (or, if it exists, gives it a new
// password) as a member of role "cashier" or "manager" only, on the
// database at adminURL (run Setup first). It returns the new password and
// the URL the login connects with.
func AddUser(ctx context.Context, adminURL, name string, role data.Role) (password, loginURL string, err error) {
	if !userName.MatchString(name) {
		return "", "", data.NewError(data.ErrInvalid, "user %q: use lower-case letters, digits and _ (a letter first), at most 63", name)
	}
	var grant, revoke string
	switch role {
	case data.RoleCashier:
		grant, revoke = cashierRole, managerRole
	case data.RoleManager:
		grant, revoke = managerRole, cashierRole
	default:
		return "", "", data.NewError(data.ErrInvalid, "role %q: use cashier or manager", role)
	}
	s, err := Open(ctx, adminURL)
	if err != nil {
		return "", "", err
	}
	defer s.Close()
	password, err = newPassword()
	if err != nil {
		return "", "", err
	}
	conn, err := pgx.ConnectConfig(ctx, s.config.Copy())
	if err != nil {
		return "", "", s.unreachable(err)
	}
	defer conn.Close(context.Background())
	var ready bool
	if err := conn.QueryRow(ctx, "SELECT count(*) = 2 FROM pg_roles WHERE rolname IN ($1, $2)", managerRole, cashierRole).Scan(&ready); err != nil {
		return "", "", fmt.Errorf("users add: %w", err)
	}
	if !ready {
		return "", "", data.NewError(data.ErrNotFound, "users add: the roles are not set up on %s; run topupcards setup-postgres URL first", s.shown)
	}
	ident := pgx.Identifier{name}.Sanitize()
	// The password goes through quote_literal on the server: no statement
	// takes it as a parameter.
	var quoted string
	if err := conn.QueryRow(ctx, "SELECT quote_literal($1)", password).Scan(&quoted); err != nil {
		return "", "", fmt.Errorf("users add: %w", err)
	}
	db := pgx.Identifier{s.config.Database}.Sanitize()
	stmts := []string{
		fmt.Sprintf(`DO $$ BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE %s LOGIN; END IF;
		END $$`, quoteLiteral(name), ident),
		"ALTER ROLE " + ident + " LOGIN PASSWORD " + quoted,
		"REVOKE " + revoke + " FROM " + ident,
		"GRANT " + grant + " TO " + ident,
		// A cashier's own tools (psql) see the masked cards first too.
		"ALTER ROLE " + ident + " IN DATABASE " + db + " RESET search_path",
	}
	if role == data.RoleCashier {
		stmts[len(stmts)-1] = "ALTER ROLE " + ident + " IN DATABASE " + db + " SET search_path = topupcards_cashier, public"
	}
	for _, q := range stmts {
		if _, err := conn.Exec(ctx, q); err != nil {
			return "", "", fmt.Errorf("users add %s: %w", name, permission(err))
		}
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", "", err
	}
	u.User = url.UserPassword(name, password)
	q := u.Query()
	q.Del("password")
	q.Del("user")
	u.RawQuery = q.Encode()
	return password, u.String(), nil
}

// quoteLiteral quotes a name already checked against userName.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// newPassword is 20 random letters and digits from crypto/rand.
func newPassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("make a password: %w", err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b), nil
}

// Role is what this store's login may do: RoleManager (everything) or
// RoleCashier (search with masked PINs, and redeem).
func (s *Store) Role() data.Role {
	if s.manager {
		return data.RoleManager
	}
	return data.RoleCashier
}
