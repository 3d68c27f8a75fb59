package pgqueue

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// subscriber is one Notify caller.
type subscriber struct {
	ch chan struct{}
}

// Notify returns a channel that receives a value soon after an item may have
// become claimable in any process sharing the schema: an Upsert or a
// Release to Waiting was committed, an agent changed, or the listener
// reconnected (notifications may have been lost while it was away). Values
// are coalesced: the channel has a buffer of one and a wake-up is dropped
// when one is already pending. The channel is closed when ctx ends.
//
// All Notify callers of a Store share one listening connection, taken from
// the pool while at least one ctx is live; it reconnects after
// Config.ListenRetry when the connection fails. Notifications are a hint,
// never a guarantee: a blocked claimer must still poll (queue.Queue does, at
// its PollInterval), and snoozes that end wake nobody. Safe for concurrent
// use.
func (s *Store) Notify(ctx context.Context) <-chan struct{} {
	sub := &subscriber{ch: make(chan struct{}, 1)}
	s.mu.Lock()
	if ctx.Err() != nil {
		s.mu.Unlock()
		close(sub.ch)
		return sub.ch
	}
	s.subs[sub] = struct{}{}
	if !s.listening {
		s.listening = true
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.stopListen = cancel
		done := make(chan struct{})
		s.listenDone = done
		go s.listen(lctx, done)
	}
	s.mu.Unlock()
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[sub]; !ok {
			return // Close got there first
		}
		delete(s.subs, sub)
		close(sub.ch)
		if len(s.subs) == 0 && s.listening {
			s.listening = false
			s.stopListen()
		}
	})
	return sub.ch
}

// wakeAll signals every subscriber without blocking.
func (s *Store) wakeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		select {
		case sub.ch <- struct{}{}:
		default:
		}
	}
}

// listen holds a LISTEN connection until ctx ends, reconnecting on failure.
func (s *Store) listen(ctx context.Context, done chan struct{}) {
	defer close(done)
	first := true
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, !first)
		first = false
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("pgqueue: listener lost its connection; reconnecting", "channel", s.channel, "err", err, "retry", s.retry)
		t := time.NewTimer(s.retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// listenOnce listens on one connection until it fails or ctx ends. After a
// reconnection it wakes everyone once, since notifications sent while the
// listener was away are lost.
func (s *Store) listenOnce(ctx context.Context, reconnected bool) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection carries LISTEN state: never give it back to the pool.
	pc := conn.Hijack()
	defer func() { _ = pc.Close(context.WithoutCancel(ctx)) }()
	if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	if reconnected {
		s.wakeAll()
	}
	for {
		if _, err := pc.WaitForNotification(ctx); err != nil {
			return err
		}
		s.wakeAll()
	}
}

// sendNotify wakes listeners; failures are ignored (polling covers them).
func (s *Store) sendNotify(ctx context.Context) {
	_, _ = s.pool.Exec(ctx, s.sql.notify, s.channel)
}

// Close stops the listener, if any, and waits for it to return its
// connection. Contexts passed to Notify should end first; Close closes their
// channels anyway. Close does not close the pool. Safe to call more than
// once.
func (s *Store) Close() {
	s.mu.Lock()
	for sub := range s.subs {
		delete(s.subs, sub)
		close(sub.ch)
	}
	done := s.listenDone
	if s.listening {
		s.listening = false
		s.stopListen()
	}
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}
