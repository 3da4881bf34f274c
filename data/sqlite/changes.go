package sqlite

import (
	"context"
	"time"

	"topupcards/data"
)

// pollEvery is how often Changes asks DataVersion.
const pollEvery = 250 * time.Millisecond

// Changes returns a channel that receives a value when DataVersion moves:
// a change committed by another process, window or command line, or by
// another operation of this store (data.Watcher). It polls, since SQLite
// has no notifications across processes; the channel is closed when ctx
// ends.
func (s *Store) Changes(ctx context.Context) <-chan struct{} {
	out := make(chan struct{})
	go func() {
		defer close(out)
		last, _ := s.DataVersion(ctx)
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			v, err := s.DataVersion(ctx)
			if err != nil || v == last {
				continue
			}
			last = v
			select {
			case out <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

var _ data.Watcher = (*Store)(nil)
