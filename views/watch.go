package views

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"topupcards/data"
)

// watchEvery is how often the window asks whether the cards changed while
// it is in front: changes by another process show within about a second.
const watchEvery = time.Second

// watcher notices changes to the store made elsewhere (another window,
// process or the command line) and refreshes what the view shows.
type watcher struct {
	front atomic.Bool // the window is in front: poll
	last  int64       // the version shown; only the polling goroutine uses it
	down  bool        // the last poll failed (a server out of reach)
}

// Watch polls the store for changes until ctx ends, while the window is in
// front (SetFront), and refreshes the rows on screen when it changed. It
// does disk work: run it with go. A store that cannot say does nothing.
func (v *MainView) Watch(ctx context.Context) {
	vs, ok := v.store.(data.Watcher)
	if !ok {
		return
	}
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	// A server's store also tells at once (LISTEN/NOTIFY): look then too.
	pushed := vs.Changes(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-pushed:
		}
		if v.watch.front.Load() {
			v.checkChanged(ctx, vs)
		}
	}
}

// checkChanged refreshes the view when the store's version moved.
func (v *MainView) checkChanged(ctx context.Context, vs data.Watcher) {
	n, err := vs.DataVersion(ctx)
	if err != nil {
		// A server out of reach: say so where the totals are; the store
		// reconnects by itself, and open dialogs keep what was typed.
		v.watch.down = true
		msg := "Lost the connection to the database (" + personMessage(err) + "); reconnecting… Nothing typed is lost."
		fyne.Do(func() { v.Footer.SetText(msg) })
		return
	}
	if v.watch.down {
		v.watch.down = false
		v.watch.last = n
		fyne.Do(v.RefreshInBackground) // back: the footer and rows again (read on the UI goroutine)
		return
	}
	if v.watch.last != 0 && n != v.watch.last {
		v.watch.last = n
		fyne.Do(v.RefreshInBackground) // it reads what is on screen: on the UI goroutine
		return
	}
	v.watch.last = n
}

// SetFront tells the view whether its window is in front (the app's
// lifecycle): in front it watches for changes (within a second of coming
// to the front it looks).
func (v *MainView) SetFront(front bool) {
	v.watch.front.Store(front)
}
