package queue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Lease is one agent's hold on one item. Its methods fail with ErrLeaseLost
// once the lease has expired or passed to someone else. A Lease is safe for
// concurrent use; its operations on the store run one at a time, so a
// heartbeat racing the holder's Complete sees the lease ended, not lost.
//
// Its Context is cancelled when the lease ends: with cause ErrLeaseEnded
// when the holder completes, releases, snoozes or transfers the item, and
// with cause ErrLeaseLost when the lease expires, is stolen, or an
// operation finds it lost. Expiry is noticed by a timer when the Queue runs
// on the real clock (Config.Now unset) and by Maintain in every case, so a
// Queue with an injected clock cancels expired leases' contexts when
// Maintain runs (see Start).
type Lease struct {
	q      *Queue
	id     string // the lease id, fixed for the Lease's life
	ctx    context.Context
	cancel context.CancelCauseFunc

	// op serializes the holder's store operations on the lease, so that a
	// heartbeat that meets the holder's Complete (or Release, ...) comes
	// after it and is not taken for a lost lease.
	op sync.Mutex

	mu    sync.Mutex
	item  Item
	timer *time.Timer
}

// track wraps a fresh lease on it, registers it as the live lease of its
// key (cancelling the one it replaces) and starts its expiry timer.
func (q *Queue) track(it Item) *Lease {
	ctx, cancel := context.WithCancelCause(context.Background())
	l := &Lease{q: q, id: it.LeaseID, ctx: ctx, cancel: cancel, item: it}
	q.mu.Lock()
	old := q.leases[it.Key]
	q.leases[it.Key] = l
	q.mu.Unlock()
	if old != nil {
		old.end(ErrLeaseLost)
	}
	if q.realNow {
		l.mu.Lock()
		l.timer = time.AfterFunc(time.Until(it.LeaseExpiresAt), l.checkExpiry)
		l.mu.Unlock()
	}
	return l
}

// checkExpiry runs on the real-clock timer.
func (l *Lease) checkExpiry() {
	if l.ctx.Err() != nil {
		return
	}
	now := l.q.now()
	exp := l.ExpiresAt()
	if now.Before(exp) {
		l.mu.Lock()
		if l.timer != nil {
			l.timer.Reset(exp.Sub(now))
		}
		l.mu.Unlock()
		return
	}
	if l.q.lose(l, ErrLeaseLost) {
		l.q.emit(Event{Kind: EventExpire, Key: l.Key(), Agent: l.Item().Holder, At: now})
	}
}

// end cancels the lease's context with cause and stops its timer.
func (l *Lease) end(cause error) {
	l.mu.Lock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.mu.Unlock()
	l.cancel(cause)
}

// lose unregisters l and ends it; it reports whether l was still live.
func (q *Queue) lose(l *Lease, cause error) bool {
	key := l.Key()
	q.mu.Lock()
	live := q.leases[key] == l
	if live {
		delete(q.leases, key)
	}
	q.mu.Unlock()
	first := l.ctx.Err() == nil
	l.end(cause)
	return live || first
}

// Context returns a context that is cancelled when the lease ends (see
// Lease). Pass it to the work done under the lease, so that the work stops
// when another agent may have taken over. context.Cause tells why.
func (l *Lease) Context() context.Context { return l.ctx }

// Item returns a copy of the item as of the claim or the last lease
// operation. New messages of a claimed conversation stay with its holder:
// each Extend (heartbeat) refreshes the copy, so Unanswered and Version
// show what arrived since the claim.
func (l *Lease) Item() Item {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.item
}

// Key returns the leased item's key.
func (l *Lease) Key() string { return l.Item().Key }

// ExpiresAt returns when the lease expires unless extended.
func (l *Lease) ExpiresAt() time.Time { return l.Item().LeaseExpiresAt }

func (l *Lease) ref() queuedriver.LeaseRef {
	l.mu.Lock()
	defer l.mu.Unlock()
	return queuedriver.LeaseRef{Key: l.item.Key, LeaseID: l.id, Now: l.q.now()}
}

func (l *Lease) set(it Item) {
	l.mu.Lock()
	l.item = it
	l.mu.Unlock()
}

// failed handles a store error of an operation on l: a lost lease ends l.
func (l *Lease) failed(err error, now time.Time) {
	if errors.Is(err, ErrLeaseLost) && l.q.lose(l, ErrLeaseLost) {
		l.q.emit(Event{Kind: EventExpire, Key: l.Key(), Agent: l.Item().Holder, At: now})
	}
}

// Extend renews the lease for another Config.LeaseTTL from now (a
// heartbeat).
func (l *Lease) Extend(ctx context.Context) error { return l.ExtendFor(ctx, l.q.ttl) }

// ExtendFor renews the lease until now + ttl. It fails with ErrInvalid,
// changing nothing, when ttl is not positive.
func (l *Lease) ExtendFor(ctx context.Context, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("%w: extend %q by %v: the TTL must be positive", ErrInvalid, l.Key(), ttl)
	}
	l.op.Lock()
	r := l.ref()
	if errors.Is(context.Cause(l.ctx), ErrLeaseEnded) { // the holder ended it
		l.op.Unlock()
		return fmt.Errorf("queue: extend %q: %w", r.Key, ErrLeaseLost)
	}
	it, err := l.q.store.Extend(ctx, r, r.Now.Add(ttl))
	if err != nil {
		l.op.Unlock()
		l.failed(err, r.Now)
		return fmt.Errorf("queue: extend %q: %w", r.Key, err)
	}
	l.set(it)
	l.mu.Lock()
	if l.timer != nil {
		l.timer.Reset(time.Until(it.LeaseExpiresAt))
	}
	l.mu.Unlock()
	l.op.Unlock()
	return nil
}

// KeepAlive extends the lease every interval (a third of Config.LeaseTTL if
// interval is not positive) until ctx ends or the lease ends. It returns
// nil when ctx ends or the holder ended the lease, and an error wrapping
// ErrLeaseLost when the lease was lost. Run it in its own goroutine:
//
//	go l.KeepAlive(ctx, 0)
//
// It ticks on the real clock, whatever Config.Now says.
func (l *Lease) KeepAlive(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = l.q.ttl / 3
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-l.ctx.Done():
			if cause := context.Cause(l.ctx); !errors.Is(cause, ErrLeaseEnded) {
				return fmt.Errorf("queue: keep alive %q: %w", l.Key(), cause)
			}
			return nil
		case <-t.C:
			if err := l.Extend(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if errors.Is(err, ErrLeaseLost) {
					if errors.Is(context.Cause(l.ctx), ErrLeaseEnded) {
						return nil // the holder ended it meanwhile
					}
					return err
				}
				// A transient store error: try again at the next tick.
			}
		}
	}
}

// Complete ends the lease and marks the conversation done.
func (l *Lease) Complete(ctx context.Context) error {
	return l.CompleteWith(ctx, l.q.store.Complete)
}

// Release ends the lease and puts the item back in the queue.
func (l *Lease) Release(ctx context.Context) error {
	return l.release(ctx, queuedriver.ReleaseParams{}, Event{Kind: EventRelease})
}

// Snooze ends the lease; the item returns to the queue at until (as
// Sparkcentral's Boomerang does), or earlier if the customer writes again.
// until must be in the future.
func (l *Lease) Snooze(ctx context.Context, until time.Time) error {
	if !until.After(l.q.now()) {
		return fmt.Errorf("%w: snooze of %q until %v, which is not in the future", ErrInvalid, l.Key(), until)
	}
	return l.release(ctx, queuedriver.ReleaseParams{Until: until}, Event{Kind: EventSnooze, Until: until})
}

// TransferToTeam ends the lease and puts the item back for another team,
// without affinity to this agent.
func (l *Lease) TransferToTeam(ctx context.Context, team string) error {
	if team == "" {
		return fmt.Errorf("%w: transfer of %q to an empty team", ErrInvalid, l.Key())
	}
	return l.release(ctx, queuedriver.ReleaseParams{Team: team}, Event{Kind: EventTransferTeam, Team: team})
}

// TransferToAgent hands the item to another agent under a new lease, which
// it returns; this lease ends. It fails with ErrUnknownAgent, changing
// nothing, for an agent never passed to SetAgent. The receiving agent's
// capacity is not checked: a handover is deliberate.
func (l *Lease) TransferToAgent(ctx context.Context, agent string) (*Lease, error) {
	if agent == "" {
		return nil, fmt.Errorf("%w: transfer of %q to an empty agent", ErrInvalid, l.Key())
	}
	l.op.Lock()
	r := l.ref()
	from := l.Item().Holder
	it, err := l.q.store.Reassign(ctx, queuedriver.ReassignParams{Key: r.Key, FromLeaseID: r.LeaseID, ToAgent: agent, NewLeaseID: uuid.NewString(), ExpiresAt: r.Now.Add(l.q.ttl), Now: r.Now})
	if err != nil {
		l.op.Unlock()
		l.failed(err, r.Now)
		return nil, fmt.Errorf("queue: transfer %q to %q: %w", r.Key, agent, err)
	}
	l.end(ErrLeaseEnded) // before track replaces it, so the cause is "ended"
	nl := l.q.track(it)
	l.op.Unlock()
	l.q.emit(Event{Kind: EventTransferAgent, Key: r.Key, Agent: agent, From: from, At: r.Now})
	return nl, nil
}

func (l *Lease) release(ctx context.Context, p queuedriver.ReleaseParams, ev Event) error {
	l.op.Lock()
	r := l.ref()
	holder := l.Item().Holder
	it, err := l.q.store.Release(ctx, r, p)
	if err != nil {
		l.op.Unlock()
		l.failed(err, r.Now)
		return fmt.Errorf("queue: %s %q: %w", ev.Kind, r.Key, err)
	}
	l.set(it)
	l.q.lose(l, ErrLeaseEnded)
	l.op.Unlock()
	ev.Key, ev.Agent, ev.At = r.Key, holder, r.Now
	l.q.signal()
	l.q.emit(ev)
	return nil
}
