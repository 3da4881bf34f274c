// Package data holds the domain of Top-up Cards: cards, batches, resellers,
// money, filters, the errors, and the Store interface that the app and the
// views use. The databases live in its subpackages: sqlite (one local file,
// the default) and postgres (a server shared by several desks).
package data

import (
	"context"
	"time"
)

// Store is the card store the app and the views use: one pool of cards,
// whichever database keeps it (package sqlite: one local file; package
// postgres: a server shared by several desks). Every backend passes the
// same conformance suite (package storetest), so that each method means the
// same thing on all of them.
//
// Methods take ctx first and return domain types and the sentinel errors
// of this package (test them with errors.Is). What a backend cannot do (a
// server database's backups, say) returns an error of kind
// ErrNotSupported whose text says what to do instead.
type Store interface {
	// Path names the database: the file, or the server URL without its
	// password.
	Path() string
	// Now is the store's time (UTC, whole seconds): statuses are derived
	// at it.
	Now() time.Time
	// Warnings are what opening found wrong but could not mend.
	Warnings() []string
	Close() error

	Cards
	Edits
	Backups
	Templates
}

// Cards reads and changes the cards, batches, resellers, history and print
// runs.
type Cards interface {
	Summarize(ctx context.Context, f Filter) (Summary, error)
	Count(ctx context.Context, f Filter) (int64, error)
	Page(ctx context.Context, f Filter, o Sort, after Cursor, limit int) ([]Card, Cursor, error)
	IDs(ctx context.Context, f Filter, o Sort) ([]int64, error)
	Each(ctx context.Context, f Filter, o Sort, fn func(Card) error) error
	CardsByID(ctx context.Context, ids []int64) ([]Card, error)
	Card(ctx context.Context, id int64) (Card, error)
	// Read calls fn with a Reader over one consistent state of the cards.
	Read(ctx context.Context, fn func(r Reader) error) error

	PlanBatch(ctx context.Context, p GenerateParams) (Plan, error)
	Generate(ctx context.Context, p GenerateParams, progress Progress) (Batch, error)
	Batches(ctx context.Context) ([]Batch, error)
	Redeem(ctx context.Context, pin, client string) (Card, error)

	Resellers(ctx context.Context) ([]Reseller, error)
	AddReseller(ctx context.Context, name string) (Reseller, error)
	RenameReseller(ctx context.Context, old, name string) error
	RemoveReseller(ctx context.Context, name string) error

	RecordPrintRun(ctx context.Context, f Filter, run PrintRun) (PrintRun, error)
	PrintRuns(ctx context.Context, limit int) ([]PrintRun, error)
	PrintRunCards(ctx context.Context, runID int64) ([]int64, error)

	// RecordReveal writes to the history that a person saw or copied a
	// whole PIN (RevealEntry says how). A counter's screen is seen by
	// customers, so the window hides PINs and shows one only as an act on
	// the record: it calls RecordReveal first and shows nothing if it fails.
	RecordReveal(ctx context.Context, how string, serial *Serial) error
}

// Edits are the journaled changes: mass edit, delete, undo and the
// history that records them.
type Edits interface {
	MassEdit(ctx context.Context, f Filter, e Edit) (Result, error)
	Delete(ctx context.Context, f Filter) (Result, error)
	DeleteAll(ctx context.Context) (Result, error)
	Undo(ctx context.Context, op int64) (UndoResult, error)
	History(ctx context.Context, limit int) ([]HistoryEntry, error)
	HistoryEntry(ctx context.Context, id int64) (HistoryEntry, error)
	LogExport(ctx context.Context, f Filter, cards int64, where string) error
	JournalDays(ctx context.Context) (int, error)
	SetJournalDays(ctx context.Context, days int) error
}

// Backups are copies of the whole database. A local file's store makes
// and restores them itself; a server's are the server's job, and its
// store answers ErrNotSupported with the command to use (pg_dump).
type Backups interface {
	// BackupDir is the folder backups go to ("" when the store makes none).
	BackupDir() string
	Backups(ctx context.Context) ([]Backup, error)
	CreateBackup(ctx context.Context, reason string) (Backup, error)
	// DailyBackup makes the day's backup if there is none yet (a no-op
	// where the store makes none).
	DailyBackup(ctx context.Context) error
	RestorePlan(ctx context.Context, file string) (RestorePlan, error)
	Restore(ctx context.Context, file string) (RestoreResult, error)
}

// Dumper is a store that hands over all its rows, table by table, from
// one consistent state: `topupcards migrate` moves a file to a server so.
// fn gets each row of each of tables that exists, in that order, with the
// table's column names.
type Dumper interface {
	Dump(ctx context.Context, tables []string, fn func(table string, columns []string, row []any) error) error
}

// Role is what a login may do with a shared database.
type Role string

// The roles of a PostgreSQL database (see `topupcards users add`).
const (
	RoleManager Role = "manager" // everything
	RoleCashier Role = "cashier" // search (PINs of unredeemed cards masked) and redeem
)

// Roled is a store whose login may be limited (a PostgreSQL cashier's). The
// window hides what the role cannot do; the server refuses it anyway. A
// store that is not Roled (a local file) allows everything.
type Roled interface {
	Role() Role
}

// Reader reads one state of the database: every query through it sees the
// cards as they were when Store.Read began, whatever other connections or
// processes write meanwhile, and derives statuses at one time, Now. An
// export reads all its passes through one Reader, so that the count, the
// tiles, the QR codes and the totals describe the same cards.
type Reader interface {
	// Now is the time the reader derives statuses at (UTC, whole seconds).
	Now() time.Time
	Summarize(ctx context.Context, f Filter) (Summary, error)
	Count(ctx context.Context, f Filter) (int64, error)
	// Each calls fn for every card f matches, in order o, from the
	// reader's state.
	Each(ctx context.Context, f Filter, o Sort, fn func(Card) error) error
	// StatusTotals counts the cards f matches and their face value per
	// status (at Now) and currency.
	StatusTotals(ctx context.Context, f Filter) ([]StatusTotal, error)
}

// Watcher is a store that tells when the cards may have changed, by this
// process or another (another desk). The window reloads what is on screen
// when a value arrives on Changes (the channel is closed when ctx ends), or
// when DataVersion moves if it polls instead. Both backends are Watchers:
// SQLite polls PRAGMA data_version, PostgreSQL listens (LISTEN/NOTIFY).
// DataVersion's error says the link to the database is down (the server's
// store reconnects by itself); the window shows it in the footer.
type Watcher interface {
	Changes(ctx context.Context) <-chan struct{}
	DataVersion(ctx context.Context) (int64, error)
}
