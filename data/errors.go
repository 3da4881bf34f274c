package data

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is; the store wraps them
// with context that says what to do.
var (
	ErrNotFound         = errors.New("not found")
	ErrInvalid          = errors.New("invalid input")
	ErrNotDatabase      = errors.New("not a Top-up Cards database")
	ErrNewerSchema      = errors.New("database written by a newer version of Top-up Cards")
	ErrAlreadyRedeemed  = errors.New("card already activated")
	ErrExpired          = errors.New("card expired")
	ErrBlocked          = errors.New("card blocked")
	ErrTypo             = errors.New("PIN check digit is wrong")
	ErrResellerInUse    = errors.New("reseller still owns cards")
	ErrDuplicate        = errors.New("already exists")
	ErrGuessable        = errors.New("PIN space too full")
	ErrEmptyFilter      = errors.New("empty filter")
	ErrSnapshotNotFound = errors.New("snapshot not found")
	ErrBusy             = errors.New("database busy")
)

// ErrNotSupported: the backend in use cannot do this (a PostgreSQL
// database's backups are the server's job, say); the message says what to
// do instead.
var ErrNotSupported = errors.New("not supported by this database")

// ErrNotPermitted: the database refused the change for this login's role
// (a cashier at a PostgreSQL server cannot edit, delete, generate or export).
var ErrNotPermitted = errors.New("not permitted for this login")

// kindError is an error a person reads: its text is the message alone,
// while errors.Is still finds its kind (one of the sentinels above).
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// NewError makes an error whose text is the message alone (what happened
// and what to do) while errors.Is finds kind, one of the sentinels above.
func NewError(kind error, format string, a ...any) error {
	return &kindError{msg: fmt.Sprintf(format, a...), kind: kind}
}

func errf(kind error, format string, a ...any) error { return NewError(kind, format, a...) }

// ErrDamaged is a database file that failed its integrity check.
var ErrDamaged = errors.New("database damaged")
