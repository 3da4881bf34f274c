package app

import (
	"context"
	"fmt"
	"os"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/sqlite"
)

// cmdSetupPostgres makes the database at URL ready for several desks: the
// schema, the roles and their grants. It may run again (after an upgrade).
func (c *CLI) cmdSetupPostgres(ctx context.Context, e *cmdEnv) error {
	if err := e.parse("URL   (a superuser's or the database owner's, e.g. postgres://postgres@db.shop.lan:5432/topupcards)"); err != nil {
		return err
	}
	if len(e.positional) != 1 || !postgres.IsURL(e.positional[0]) {
		return usagef("setup-postgres takes one postgres:// URL: topupcards setup-postgres postgres://postgres@HOST:5432/DBNAME")
	}
	url := e.positional[0]
	if err := postgres.Setup(ctx, url); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "%s is ready: the cards' schema (version %d) and the roles topupcards_manager and topupcards_cashier.\n",
		postgres.Redact(url), postgres.SchemaVersion())
	fmt.Fprintf(c.Stdout, "Add a login for each person with: topupcards users add NAME --role cashier|manager --db %s\n", postgres.Redact(url))
	return nil
}

// cmdUsers adds a login to the PostgreSQL database of --db.
func (c *CLI) cmdUsers(ctx context.Context, e *cmdEnv) error {
	role := e.fs.String("role", "", "cashier (search with masked PINs, redeem) or manager (everything)")
	if err := e.parse("add NAME --role cashier|manager --db postgres://ADMIN@HOST:5432/DBNAME"); err != nil {
		return err
	}
	if len(e.positional) != 2 || e.positional[0] != "add" {
		return usagef("users: use users add NAME --role cashier|manager --db URL")
	}
	r := data.Role(*role)
	if r != data.RoleCashier && r != data.RoleManager {
		return usagef("users add: --role is cashier or manager")
	}
	db := e.db
	if db == "" {
		db = os.Getenv("TOPUPCARDS_DB")
	}
	if !postgres.IsURL(db) {
		return usagef("users add: users are logins of a PostgreSQL database; give its URL with --db postgres://ADMIN@HOST:5432/DBNAME")
	}
	name := e.positional[1]
	password, login, err := postgres.AddUser(ctx, db, name, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Login %s (%s) is ready. Its password, shown this once: %s\n", name, r, password)
	fmt.Fprintf(c.Stdout, "Connect with: topupcards --db '%s'\n", login)
	return nil
}

// cmdMigrate moves a SQLite file's cards to a PostgreSQL database.
func (c *CLI) cmdMigrate(ctx context.Context, e *cmdEnv) error {
	from := e.fs.String("from", "", "the SQLite file to move (it is only read)")
	to := e.fs.String("to", "", "the PostgreSQL database: postgres://USER@HOST:5432/DBNAME (empty, or made by setup-postgres)")
	if err := e.parse("--from cards.db --to postgres://USER@HOST:5432/DBNAME"); err != nil {
		return err
	}
	if *from == "" || postgres.IsURL(*from) || !postgres.IsURL(*to) || len(e.positional) > 0 {
		return usagef("migrate: use migrate --from FILE.db --to postgres://USER@HOST:5432/DBNAME")
	}
	if missing(*from) {
		return data.NewError(data.ErrNotFound, "migrate: no card database at %s; check --from", *from)
	}
	src, err := sqlite.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	res, err := postgres.Import(ctx, *to, src)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Moved %d cards, %d batches, %d resellers, %d history entries, %d print runs, %d templates and the undo journal from %s to %s, in one transaction.\n",
		res.Rows["cards"], res.Rows["batches"], res.Rows["resellers"], res.Rows["history"], res.Rows["print_runs"], res.Rows["templates"], *from, postgres.Redact(*to))
	for _, t := range res.Totals {
		fmt.Fprintf(c.Stdout, "  %s: %d cards, face value %s, unredeemed %s (equal on both sides)\n", t.Currency, t.Cards,
			data.Money{Minor: t.Face, Currency: t.Currency}, data.Money{Minor: t.Unredeemed, Currency: t.Currency})
	}
	fmt.Fprintf(c.Stdout, "The file is unchanged. Desks now connect with --db %s\n", postgres.Redact(*to))
	return nil
}
