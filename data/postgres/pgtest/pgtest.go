// Package pgtest gives tests a fresh PostgreSQL database on the throw-away
// server that scripts/pgtest.sh starts for `make test`.
//
// The server's URL (a superuser's, for CREATE DATABASE and CREATE ROLE) is
// in TOPUPCARDS_TEST_PG. When it is unset a test that needs the server is
// skipped if run by hand, and fails when the run expects the server (CI=true
// or TOPUPCARDS_TEST_PG_REQUIRED=1, as `make test` sets): such a test never
// silently skips in CI.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// EnvURL names the variable that holds the test server's superuser URL.
const EnvURL = "TOPUPCARDS_TEST_PG"

// AdminURL returns the test server's superuser URL, or stops the test: a
// skip when run by hand without a server, a failure when the run expects
// one.
func AdminURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") != "" || os.Getenv("TOPUPCARDS_TEST_PG_REQUIRED") != "" {
			tb.Fatalf("%s is not set, but this run expects a PostgreSQL server: run the tests through scripts/pgtest.sh (make test does)", EnvURL)
		}
		tb.Skipf("no PostgreSQL server: set %s (scripts/pgtest.sh go test ./... does)", EnvURL)
	}
	return u
}

// NewDatabase creates an empty database on the test server, dropped when
// the test ends, and returns its superuser URL.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	admin := AdminURL(tb)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatalf("test server %s: %v", admin, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		tb.Fatalf("the test's PostgreSQL server at %s cannot be reached: %v", admin, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// WithUser returns rawURL logging in as user with password.
func WithUser(rawURL, user, password string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(fmt.Sprintf("pgtest: %v", err))
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}
