package views

import (
	"context"
	"sync/atomic"
	"time"
)

// versioned is a store that says when another connection changed it
// (*data.Store: SQLite's PRAGMA data_version).
type versioned interface {
	DataVersion(ctx context.Context) (int64, error)
}

// watchEvery is how often the window asks whether the cards changed while
// it is in front: changes by another process show within about a second.
const watchEvery = time.Second

// watcher notices changes to the store made elsewhere (another window,
// process or the command line) and refreshes what the view shows.
type watcher struct {
	front atomic.Bool // the window is in front: poll
	last  int64       // the version shown; only the polling goroutine uses it
}

// Watch polls the store for changes until ctx ends, while the window is in
// front (SetFront), and refreshes the rows on screen when it changed. It
// does disk work: run it with go. A store that cannot say does nothing.
func (v *MainView) Watch(ctx context.Context) {
	vs, ok := v.store.(versioned)
	if !ok {
		return
	}
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if v.watch.front.Load() {
			v.checkChanged(ctx, vs)
		}
	}
}

// checkChanged refreshes the view when the store's version moved.
func (v *MainView) checkChanged(ctx context.Context, vs versioned) {
	n, err := vs.DataVersion(ctx)
	if err != nil {
		return // the next tick tries again; reads report their own errors
	}
	if v.watch.last != 0 && n != v.watch.last {
		v.watch.last = n
		v.RefreshInBackground()
		return
	}
	v.watch.last = n
}

// SetFront tells the view whether its window is in front (the app's
// lifecycle): in front it watches for changes, and coming to the front it
// looks at once.
func (v *MainView) SetFront(front bool) {
	v.watch.front.Store(front)
}
