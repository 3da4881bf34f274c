// Package app joins the store, the exports and the views into the program:
// the command line and the main window's wiring. Only main imports it.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/sqlite"
)

// Version is the program's version, as in FyneApp.toml.
const Version = "0.1.0"

// Exit codes of the command line.
const (
	ExitOK      = 0
	ExitRefused = 1 // the operation was refused or failed
	ExitUsage   = 2 // the command line was wrong
)

// CLI runs the command line. OpenWindow is called for `topupcards` with no
// command; main supplies it so that this package needs no GL driver.
type CLI struct {
	Stdout, Stderr io.Writer
	// Terminal says whether Stderr is a terminal (progress is shown then).
	Terminal bool
	// OpenWindow runs the window over the database at path; exists says
	// whether the file is there (the window asks before creating one) and
	// open opens it.
	OpenWindow func(ctx context.Context, path string, exists bool, open func() (data.Store, error)) error
	// CanShowWindow, when set, says why no window can be shown here (no
	// graphical session), before any database is opened or created.
	CanShowWindow func() error
}

// usageError marks a mistake on the command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

const mainUsage = `Top-up Cards: generate, find, edit, redeem and print prepaid top-up cards.

Usage:
  topupcards [--db PATH|URL]             open the window
  topupcards generate --amount 8.00 --quantity 100 --series 3 [--currency USD] [--pin-length 12]
                      [--check-digit] [--reseller NAME] [--expiry 2027-01-31]
  topupcards list     [FILTER] [--sort COLUMN[:desc]] [--limit N] [--format table|csv|json]
  topupcards redeem   --pin PIN --client NAME
  topupcards edit     FILTER|--all [--expiry DATE|--clear-expiry] [--reseller NAME] [--block|--unblock]
  topupcards delete   FILTER|--all --yes
  topupcards resellers [list | add NAME | rename OLD NEW | remove NAME]
  topupcards history  [--limit N] [--format table|csv]
  topupcards undo     ID --yes                take back a mass edit or delete of the history
  topupcards settings [journal-days N]        how long edits and deletes can be undone (default 90)
  topupcards backups  [list | create | restore FILE --yes]
  topupcards setup-postgres URL             make a PostgreSQL database ready for several desks
  topupcards users add NAME --role cashier|manager --db URL   a login for one person
  topupcards migrate --from cards.db --to URL   move a file's cards to an empty PostgreSQL database
  topupcards export   [FILTER] --out FILE.pdf|FILE.xlsx|FILE.csv [--layout NAME] [--across N --down N]
                      [--paper a4|letter] [--cut-marks] [--logo FILE] [--colours LIST]
                      [--qr-template TEXT] [--include-void] [--locale TAG] [--template NAME] [--dpi N] [--force]
  topupcards templates [list | show NAME | import FILE.json [--replace] | export NAME --out FILE.json
                      | remove NAME --yes | restore NAME | set RESELLER NAME]
  topupcards print    [FILTER] --printer NAME [--template NAME] [--layout NAME] [--copies N] [...export's PDF options]
  topupcards printers                          list the system's printers

FILTER: --serial-from S --serial-to S --pin P --status new|activated|expired|blocked --reseller NAME
        --amount-from A --amount-to A --expiry-from D --expiry-to D --client TEXT
        --activated-from D --activated-to D --batch ID --printed yes|no
        (in edit, --reseller is the new owner; filter by the current one with --filter-reseller)
Dates are YYYY-MM-DD (an expiry date means the end of that day, local time) or YYYY-MM-DDTHH:MM.
Every command takes --db PATH (default: $TOPUPCARDS_DB, or cards.db in the user's data folder).
--db postgres://user@host:5432/dbname uses a PostgreSQL server instead, shared by several desks.
Exit status: 0 done, 1 refused, 2 wrong command line.
`

// Run runs one command line and returns the exit status.
func (c *CLI) Run(args []string) int {
	// A terminal closed (SIGHUP) or a kill (SIGTERM) cancels like Ctrl+C:
	// a half-written export or backup is removed, a transaction rolled back.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	cleanStaleExports()
	err := c.run(ctx, args)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	fmt.Fprintln(c.Stderr, "topupcards: "+safeMessage(err.Error()))
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrEmptyFilter) {
		return ExitUsage
	}
	return ExitRefused
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// longQuote is a quoted piece of a message longer than data.MaxQuoted.
var longQuote = regexp.MustCompile(`"(?:[^"\\]|\\.){` + strconv.Itoa(data.MaxQuoted) + `,}?"`)

// safeMessage is a refusal as printed: one line, whatever it repeats of the
// command line (flag errors quote the value) cut to data.MaxQuoted
// characters, and every control character written as an escape, so that
// an argument cannot move the cursor or clear the terminal.
func safeMessage(s string) string {
	s = data.Printable(oneLine(s))
	return longQuote.ReplaceAllStringFunc(s, func(q string) string {
		r := []rune(q[1 : len(q)-1])
		if len(r) <= data.MaxQuoted {
			return q
		}
		return `"` + string(r[:data.MaxQuoted]) + `…"`
	})
}

func (c *CLI) run(ctx context.Context, args []string) error {
	// Global flags may stand before the command.
	top := flag.NewFlagSet("topupcards", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	db := top.String("db", "", "database file")
	version := top.Bool("version", false, "print the version")
	top.Usage = func() {}
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.Stdout, mainUsage)
			return err
		}
		return usagef("%v; run topupcards -h for help", err)
	}
	if *version {
		fmt.Fprintln(c.Stdout, "topupcards", Version)
		return nil
	}
	rest := top.Args()
	if len(rest) == 0 {
		if c.OpenWindow == nil {
			return usagef("no command given; run topupcards -h for help")
		}
		if c.CanShowWindow != nil {
			if err := c.CanShowWindow(); err != nil {
				return err
			}
		}
		env := &cmdEnv{db: *db}
		path := env.path()
		exists := !missing(path)
		open := func() (data.Store, error) { return openStore(ctx, path) }
		if !exists {
			return c.OpenWindow(ctx, path, false, open)
		}
		// Refusals (not a card database, a newer schema) go to stderr with
		// exit 1 before any window opens.
		s, err := open()
		if err != nil {
			return err
		}
		return c.OpenWindow(ctx, path, true, func() (data.Store, error) { return s, nil })
	}
	cmd, cmdArgs := rest[0], rest[1:]
	handlers := map[string]func(context.Context, *cmdEnv) error{
		"generate":  c.cmdGenerate,
		"list":      c.cmdList,
		"redeem":    c.cmdRedeem,
		"edit":      c.cmdEdit,
		"delete":    c.cmdDelete,
		"resellers": c.cmdResellers,
		"history":   c.cmdHistory,
		"undo":      c.cmdUndo,
		"settings":  c.cmdSettings,
		"backups":   c.cmdBackups,
		"export":    c.cmdExport,
		"templates": c.cmdTemplates,
		"print":     c.cmdPrint,
		"printers":  c.cmdPrinters,
		// A PostgreSQL server shared by several desks (server.go).
		"setup-postgres": c.cmdSetupPostgres,
		"users":          c.cmdUsers,
		"migrate":        c.cmdMigrate,
	}
	if cmd == "help" {
		fmt.Fprint(c.Stdout, mainUsage)
		return nil
	}
	h, ok := handlers[cmd]
	if !ok {
		return usagef("unknown command %q; run topupcards -h for the list", cmd)
	}
	env := &cmdEnv{name: cmd, args: cmdArgs, fs: flag.NewFlagSet("topupcards "+cmd, flag.ContinueOnError), db: *db}
	env.fs.SetOutput(io.Discard)
	env.fs.StringVar(&env.db, "db", *db, "database file or postgres:// URL (default: $TOPUPCARDS_DB or the user data folder)")
	env.stdout, env.stderr = c.Stdout, c.Stderr
	return h(ctx, env)
}

// cmdEnv is one command's flags and, once parsed, its store.
type cmdEnv struct {
	name       string
	args       []string
	fs         *flag.FlagSet
	db         string
	positional []string
	stdout     io.Writer
	stderr     io.Writer
	store      data.Store
}

// parse parses flags and positional arguments in any order. It prints the
// command's help for -h. It does not open the store: a command checks all
// its arguments first, so that a usage error creates no database.
func (e *cmdEnv) parse(synopsis string) error {
	args := e.args
	for {
		if err := e.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(e.stdout, "Usage: topupcards %s %s\n\nOptions:\n", e.name, synopsis)
				e.fs.SetOutput(e.stdout)
				e.fs.PrintDefaults()
				return err
			}
			return usagef("%s: %v; run topupcards %s -h for help", e.name, err, e.name)
		}
		if e.fs.NArg() == 0 {
			break
		}
		e.positional = append(e.positional, e.fs.Arg(0))
		args = e.fs.Args()[1:]
	}
	return nil
}

// set says which flags the command line gave.
func (e *cmdEnv) set() map[string]bool {
	m := map[string]bool{}
	e.fs.Visit(func(f *flag.Flag) { m[f.Name] = true })
	return m
}

// path is the database file the command works on.
func (e *cmdEnv) path() string {
	if e.db != "" {
		return e.db
	}
	p, _ := sqlite.DefaultPath()
	return p
}

// open opens the existing store once the arguments are known to be right.
// A missing file is refused ("no card database at PATH") and nothing is
// created: only the commands that add something (generate, resellers add)
// create the database, through create.
func (e *cmdEnv) open(ctx context.Context) error {
	if e.store != nil {
		return nil
	}
	if missing(e.path()) {
		return data.NewError(data.ErrNotFound, "no card database at %s; check --db (or TOPUPCARDS_DB), or make one with topupcards generate or topupcards resellers add", e.path())
	}
	return e.create(ctx)
}

// create opens the store, creating the database if there is none.
func (e *cmdEnv) create(ctx context.Context) error {
	if e.store != nil {
		return nil
	}
	s, err := openStore(ctx, e.db)
	if err != nil {
		return err
	}
	for _, w := range s.Warnings() {
		fmt.Fprintln(e.stderr, "topupcards: warning: "+safeMessage(w))
	}
	e.store = s
	return nil
}

func (e *cmdEnv) close() {
	if e.store != nil {
		e.store.Close()
	}
}

// openStore opens the store that path names: a postgres:// or
// postgresql:// URL is a PostgreSQL server's database; anything else a
// SQLite file ("": the default, $TOPUPCARDS_DB or the user data folder).
func openStore(ctx context.Context, path string) (data.Store, error) {
	if path == "" {
		p, err := sqlite.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if postgres.IsURL(path) {
		return postgres.Open(ctx, path)
	}
	return sqlite.Open(ctx, path)
}

// missing reports whether path names a SQLite file that does not exist (a
// server's database is never missing here: opening it says what is wrong).
func missing(path string) bool {
	if postgres.IsURL(path) {
		return false
	}
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// filterFlags adds the FILTER flags to fs; build() turns them into a Filter.
type filterFlags struct {
	serialFrom, serialTo, pin, status, reseller, amountFrom, amountTo string
	expiryFrom, expiryTo, client, activatedFrom, activatedTo, printed string
	batch                                                             int64
}

func addFilterFlags(fs *flag.FlagSet, resellerFlag string) *filterFlags {
	f := &filterFlags{}
	fs.StringVar(&f.serialFrom, "serial-from", "", "first serial, such as 3-000000001 (or a series: 3)")
	fs.StringVar(&f.serialTo, "serial-to", "", "last serial, such as 3-000000100 (or a series: 3)")
	fs.StringVar(&f.pin, "pin", "", "PIN (spaces and dashes ignored)")
	fs.StringVar(&f.status, "status", "", "new, activated, expired or blocked")
	fs.StringVar(&f.reseller, resellerFlag, "", "reseller (company) that owns the cards")
	fs.StringVar(&f.amountFrom, "amount-from", "", "smallest amount, such as 5.00")
	fs.StringVar(&f.amountTo, "amount-to", "", "largest amount, such as 50.00")
	fs.StringVar(&f.expiryFrom, "expiry-from", "", "expiring on or after this date")
	fs.StringVar(&f.expiryTo, "expiry-to", "", "expiring on or before this date")
	fs.StringVar(&f.client, "client", "", "activated by a client whose name contains this text")
	fs.StringVar(&f.activatedFrom, "activated-from", "", "activated on or after this date")
	fs.StringVar(&f.activatedTo, "activated-to", "", "activated on or before this date")
	fs.Int64Var(&f.batch, "batch", 0, "batch number")
	fs.StringVar(&f.printed, "printed", "", "yes: printed on a voucher sheet before; no: never printed")
	return f
}

// build parses the filter flags with the domain's one reading of a search
// (data.ParseFilter); every bad value is a usage error naming its flag.
func (f *filterFlags) build() (data.Filter, error) {
	t := data.FilterText{
		data.FieldSerialFrom: f.serialFrom, data.FieldSerialTo: f.serialTo, data.FieldPIN: f.pin,
		data.FieldStatus: f.status, data.FieldReseller: f.reseller,
		data.FieldAmountFrom: f.amountFrom, data.FieldAmountTo: f.amountTo,
		data.FieldExpiryFrom: f.expiryFrom, data.FieldExpiryTo: f.expiryTo, data.FieldClient: f.client,
		data.FieldActivatedFrom: f.activatedFrom, data.FieldActivatedTo: f.activatedTo, data.FieldPrinted: f.printed,
	}
	if f.batch != 0 {
		t[data.FieldBatch] = strconv.FormatInt(f.batch, 10)
	}
	out, err := data.ParseFilter(t, data.ISODates)
	if err != nil {
		if k, ok := data.FieldOf(err); ok {
			return out, usagef("--%s: %v", k, err)
		}
		return out, usagef("%v", err)
	}
	return out, nil
}
