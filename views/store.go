// Package views holds the widgets, screens and dialogs of Top-up Cards. It
// reads and changes cards only through the Store interface; it runs no SQL
// and writes no files. Disk work runs off the UI goroutine (through Tasks)
// and hands its results back with fyne.Do.
package views

import (
	"context"
	"sync"
	"time"

	"topupcards/data"
)

// Store is what the views need of the card store (data.Store has it all).
type Store interface {
	Now() time.Time
	Path() string
	IDs(ctx context.Context, f data.Filter, o data.Sort) ([]int64, error)
	CardsByID(ctx context.Context, ids []int64) ([]data.Card, error)
	Page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error)
	Summarize(ctx context.Context, f data.Filter) (data.Summary, error)
	Count(ctx context.Context, f data.Filter) (int64, error)
	PlanBatch(ctx context.Context, p data.GenerateParams) (data.Plan, error)
	Generate(ctx context.Context, p data.GenerateParams, progress data.Progress) (data.Batch, error)
	Batches(ctx context.Context) ([]data.Batch, error)
	MassEdit(ctx context.Context, f data.Filter, e data.Edit) (data.Result, error)
	Delete(ctx context.Context, f data.Filter) (data.Result, error)
	DeleteAll(ctx context.Context) (data.Result, error)
	Redeem(ctx context.Context, pin, client string) (data.Card, error)
	Resellers(ctx context.Context) ([]data.Reseller, error)
	AddReseller(ctx context.Context, name string) (data.Reseller, error)
	RenameReseller(ctx context.Context, old, name string) error
	RemoveReseller(ctx context.Context, name string) error
	History(ctx context.Context, limit int) ([]data.HistoryEntry, error)
	Undo(ctx context.Context, op int64) (data.UndoResult, error)
	PrintRuns(ctx context.Context, limit int) ([]data.PrintRun, error)
	Backups(ctx context.Context) ([]data.Backup, error)
	CreateBackup(ctx context.Context, reason string) (data.Backup, error)
	RestorePlan(ctx context.Context, file string) (data.RestorePlan, error)
	RecordReveal(ctx context.Context, how string, serial *data.Serial) error
	Restore(ctx context.Context, file string) (data.RestoreResult, error)
}

var _ Store = data.Store(nil)

// Tasks runs disk work off the UI goroutine and lets tests wait for it.
type Tasks struct {
	wg sync.WaitGroup
	// Synchronous runs each task on the caller's goroutine, to its end. It
	// is for drivers that run everything on one goroutine: Fyne's test
	// driver runs fyne.Do at once on the goroutine that calls it, so a task
	// in a goroutine of its own would touch widgets beside the test.
	Synchronous bool
}

// Go runs fn in a new goroutine (or, Synchronous, at once).
func (t *Tasks) Go(fn func()) {
	if t.Synchronous {
		fn()
		return
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		fn()
	}()
}

// Wait blocks until every task started so far has finished.
func (t *Tasks) Wait() { t.wg.Wait() }
