package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Other desks' changes reach this one through LISTEN/NOTIFY: every change
// to the cards, resellers or history notifies topupcards_changes when its
// transaction commits (the schema's triggers). One connection per store
// listens; DataVersion counts the notifications and Changes hands them on.
// A dropped connection is dialled again every second; while it is down
// DataVersion says so (the window's footer shows it), and when it is back
// the version moves, since anything may have changed meanwhile.

// channel is the notification channel the schema's triggers notify.
const channel = "topupcards_changes"

// redial is how long the listener waits before dialling again.
const redial = time.Second

type watch struct {
	once    sync.Once
	cancel  context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	version int64
	problem error // why the listener is not connected; nil when it is
	subs    map[chan struct{}]struct{}
}

// startWatch starts the listener, once.
func (s *Store) startWatch() {
	w := &s.watch
	w.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		w.mu.Lock()
		w.cancel, w.done = cancel, make(chan struct{})
		w.subs = map[chan struct{}]struct{}{}
		w.problem = fmt.Errorf("connecting to %s to watch for changes", s.shown)
		w.mu.Unlock()
		go s.listen(ctx)
	})
}

// stopWatch stops the listener, if it runs, and waits for it.
func (s *Store) stopWatch() {
	w := &s.watch
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.mu.Unlock()
	w.once.Do(func() {}) // never start after Close
	if cancel != nil {
		cancel()
		<-done
	}
}

// listen keeps one LISTEN connection up until ctx ends.
func (s *Store) listen(ctx context.Context) {
	w := &s.watch
	w.mu.Lock()
	done := w.done
	w.mu.Unlock()
	defer close(done)
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.config.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+channel); err != nil {
				conn.Close(context.Background())
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			w.setProblem(fmt.Errorf("lost the connection to %s (%v); reconnecting", s.shown, err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(redial):
			}
			continue
		}
		w.setProblem(nil)
		for {
			if _, err = conn.WaitForNotification(ctx); err != nil {
				break
			}
			w.bump()
		}
		conn.Close(context.Background())
		if ctx.Err() == nil {
			w.setProblem(fmt.Errorf("lost the connection to %s (%v); reconnecting", s.shown, err))
		}
	}
}

// setProblem records the listener's state; coming back moves the version.
func (w *watch) setProblem(err error) {
	w.mu.Lock()
	back := w.problem != nil && err == nil
	w.problem = err
	w.mu.Unlock()
	if back {
		w.bump()
	}
}

// bump moves the version and tells every subscriber.
func (w *watch) bump() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.version++
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default: // one pending signal is enough
		}
	}
}

// DataVersion is a number that moves whenever another desk (or this one)
// committed a change to the cards, resellers or history. While the link to
// the server is down it returns an error that says so; the number moves
// again when the link is back.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	s.startWatch()
	w := &s.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.version, w.problem
}

// Changes returns a channel that receives a value after every committed
// change by any desk (several changes close together may arrive as one),
// and when the link to the server is back after a drop. It is closed when
// ctx ends.
func (s *Store) Changes(ctx context.Context) <-chan struct{} {
	s.startWatch()
	w := &s.watch
	ch := make(chan struct{}, 1)
	out := make(chan struct{})
	w.mu.Lock()
	if w.subs == nil { // closed
		w.mu.Unlock()
		close(out)
		return out
	}
	w.subs[ch] = struct{}{}
	done := w.done
	w.mu.Unlock()
	go func() {
		defer close(out)
		defer func() {
			w.mu.Lock()
			delete(w.subs, ch)
			w.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-ch:
				select {
				case out <- struct{}{}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
