package queue

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Maintain does the queue's housekeeping at the queue's now:
//
//   - it cancels the contexts of the leases this Queue handed out that have
//     expired (their items are already claimable again: stores treat an
//     expired lease as gone), reporting EventExpire;
//   - it releases the claims of every agent this Queue saw go offline
//     (SetAgent with Online false) at least Config.OfflineGrace ago and
//     that is still offline in the store, reporting EventOfflineRelease for
//     each item and cancelling the leases' contexts;
//   - when the store is a queuedriver.Purger, it deletes up to 1000 Done
//     items whose last change is more than Config.DoneRetention ago,
//     oldest first (a backlog is worked off 1000 per call).
//
// Start calls it periodically; hosts that drive time themselves (tests,
// simulations) call it directly. It is safe for concurrent use. It takes
// O(l + a) for l live leases and a offline agents of this Queue, plus one
// ReleaseAgent per agent due and one PurgeDone.
func (q *Queue) Maintain(ctx context.Context) error {
	now := q.now()
	var expired []*Lease
	type due struct {
		id    string
		since time.Time
	}
	var agents []due
	q.mu.Lock()
	for _, l := range q.leases {
		if !now.Before(l.ExpiresAt()) {
			expired = append(expired, l)
		}
	}
	for id, since := range q.offline {
		if now.Sub(since) >= q.grace {
			agents = append(agents, due{id, since})
		}
	}
	q.mu.Unlock()
	for _, l := range expired {
		if q.lose(l, ErrLeaseLost) {
			q.emit(Event{Kind: EventExpire, Key: l.Key(), Agent: l.Item().Holder, At: now})
		}
	}
	var errs []error
	for _, d := range agents {
		a, err := q.store.GetAgent(ctx, d.id)
		if err != nil {
			errs = append(errs, fmt.Errorf("queue: maintain: agent %q: %w", d.id, err))
			continue
		}
		if a.Online {
			q.forget(d.id, d.since)
			continue
		}
		keys, err := q.store.ReleaseAgent(ctx, d.id, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("queue: maintain: release agent %q: %w", d.id, err))
			continue
		}
		q.forget(d.id, d.since)
		for _, k := range keys {
			q.mu.Lock()
			l := q.leases[k]
			q.mu.Unlock()
			if l != nil {
				q.lose(l, ErrLeaseLost)
			}
			q.emit(Event{Kind: EventOfflineRelease, Key: k, Agent: d.id, At: now})
		}
		if len(keys) > 0 {
			q.signal()
		}
	}
	if err := q.purge(ctx, now); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// forget drops an offline agent from the watch list unless it went offline
// again since.
func (q *Queue) forget(id string, since time.Time) {
	q.mu.Lock()
	if s, ok := q.offline[id]; ok && s.Equal(since) {
		delete(q.offline, id)
	}
	q.mu.Unlock()
}

// Start runs Maintain every Config.MaintainInterval (on the real clock) in
// a goroutine of its own until ctx ends or Stop is called. Errors go to
// Config.Logger. It fails if the loop is already running.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stop != nil {
		return errors.New("queue: Start: already started")
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	q.stop, q.done = cancel, done
	go func() {
		defer close(done)
		t := time.NewTicker(q.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := q.Maintain(ctx); err != nil && ctx.Err() == nil {
					q.log.ErrorContext(ctx, "queue: maintenance failed", "err", err)
				}
			}
		}
	}()
	return nil
}

// Stop ends the loop started by Start and waits for it, or for ctx. It
// does nothing if the loop is not running.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	stop, done := q.stop, q.done
	q.stop, q.done = nil, nil
	q.mu.Unlock()
	if stop == nil {
		return nil
	}
	stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("queue: Stop: %w", context.Cause(ctx))
	}
}
