package data

import (
	"errors"
	"time"
)

// HistoryEntry is one line of the audit log.
type HistoryEntry struct {
	ID     int64
	At     time.Time
	Action string
	Detail string
	Filter string
	Cards  int64
	// Undoable: the entry is a change whose undo journal is kept and that
	// was not undone yet (Store.Undo takes it back).
	Undoable bool
	UndoneBy int64 // the undo entry that took this one back; 0 if none
	UndoOf   int64 // for an undo entry, the entry it took back
	// By is who made the change: the database user (PostgreSQL), or the
	// operating-system user (SQLite); "" for entries written before it was
	// recorded.
	By string
}

// Undo's refusals: ErrConflict when cards were changed since, ErrNotUndoable
// when the entry is not a change that can be undone (or was undone).
var (
	ErrConflict    = errors.New("changed since")
	ErrNotUndoable = errors.New("cannot be undone")
)

// DefaultJournalDays is how long the undo journal is kept unless set.
const DefaultJournalDays = 90

// UndoResult says what an undo did.
type UndoResult struct {
	Op       int64 // the undo's own history entry
	Undid    int64 // the operation taken back
	Restored int64 // deleted cards put back
	Reverted int64 // edited cards given their prior values
}

// Cards is how many cards the undo changed.
func (r UndoResult) Cards() int64 { return r.Restored + r.Reverted }

// UndoRefusal is why entry h cannot be undone (ErrNotUndoable), or nil
// when it can, as far as the entry itself tells: Undo still refuses cards
// changed since (ErrConflict).
func (h HistoryEntry) UndoRefusal() error {
	if h.UndoneBy != 0 {
		return errf(ErrNotUndoable, "undo #%d: it was undone already (#%d)", h.ID, h.UndoneBy)
	}
	if !h.Undoable {
		return errf(ErrNotUndoable, "undo #%d (%s): %s", h.ID, h.Action, notUndoable(h))
	}
	return nil
}

// notUndoable says why entry h offers no undo.
func notUndoable(h HistoryEntry) string {
	switch h.Action {
	case "edit", "delete", "delete all":
		return "its undo record is gone (kept for a set number of days; see `topupcards settings`) or it changed no card"
	case "undo":
		return "an undo cannot be undone; make the change again instead"
	case "redeem":
		return "a redemption is never undone: the money was paid out"
	}
	return "only mass edits and deletes can be undone"
}

// MaxJournalDays bounds the journal setting (ten years).
const MaxJournalDays = 3650
