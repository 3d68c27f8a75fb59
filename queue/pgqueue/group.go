package pgqueue

import (
	"context"
	"errors"
	"fmt"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// completeReq is one Complete waiting for a group statement.
type completeReq struct {
	ref  queuedriver.LeaseRef
	item *queuedriver.Item
	err  error
	done chan struct{}
}

// groupComplete completes l together with the Completes that other
// goroutines of this Store issue at the same moment, in one CompleteBatch
// statement (group commit): a caller that finds no batch in flight runs
// one with every pending request (its own included) and, if more arrived
// meanwhile, leaves a goroutine to run batches until none is pending; the
// others wait for their result. It adds no delay: a lone caller runs a
// batch of one at once.
func (s *Store) groupComplete(ctx context.Context, l queuedriver.LeaseRef) (*queuedriver.Item, error) {
	req := &completeReq{ref: l, done: make(chan struct{})}
	s.gmu.Lock()
	s.gpending = append(s.gpending, req)
	lead := !s.grunning
	s.grunning = true
	s.gmu.Unlock()
	if lead && s.runGroup(context.WithoutCancel(ctx)) {
		go func() {
			for s.runGroup(context.WithoutCancel(ctx)) {
			}
		}()
	}
	select {
	case <-req.done:
		return req.item, req.err
	case <-ctx.Done():
		return nil, fmt.Errorf("pgqueue: complete %q: %w", l.Key, context.Cause(ctx))
	}
}

// runGroup runs one batch of the pending requests; it reports whether
// requests are still pending (the caller must then run another batch) and
// otherwise marks the group idle.
func (s *Store) runGroup(ctx context.Context) bool {
	{
		s.gmu.Lock()
		batch := s.gpending
		s.gpending = nil
		s.gmu.Unlock()
		// A key may appear once per statement; later duplicates wait for
		// the next round.
		seen := make(map[string]bool, len(batch))
		var now, later []*completeReq
		for _, r := range batch {
			if seen[r.ref.Key] {
				later = append(later, r)
				continue
			}
			seen[r.ref.Key] = true
			now = append(now, r)
		}
		if len(later) > 0 {
			s.gmu.Lock()
			s.gpending = append(later, s.gpending...)
			s.gmu.Unlock()
		}
		refs := make([]queuedriver.LeaseRef, len(now))
		for i, r := range now {
			refs[i] = r.ref
		}
		items, err := s.CompleteBatch(ctx, refs)
		byKey := make(map[string]*queuedriver.Item, len(items))
		for _, it := range items {
			byKey[it.Key] = it
		}
		var lost *LeaseLostError
		for _, r := range now {
			switch it := byKey[r.ref.Key]; {
			case it != nil:
				r.item = it
			case err == nil || errors.As(err, &lost):
				r.err = fmt.Errorf("pgqueue: complete %q: %w", r.ref.Key, queuedriver.ErrLeaseLost)
			default:
				r.err = err
			}
			close(r.done)
		}
	}
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if len(s.gpending) == 0 {
		s.grunning = false
		return false
	}
	return true
}
