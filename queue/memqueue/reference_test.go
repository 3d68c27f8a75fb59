package memqueue_test

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// refStore is the original linear-scan store, kept as the reference
// semantics for TestDifferential.
type refStore struct {
	mu     sync.Mutex
	items  map[string]*queuedriver.Item
	agents map[string]queuedriver.Agent
	// completed numbers the Completes, so that PurgeDone breaks ties of
	// UpdatedAt by completion order (reference_update_test.go).
	completed map[string]int
}

var _ queuedriver.Store = (*refStore)(nil)

func newRef() *refStore {
	return &refStore{items: map[string]*queuedriver.Item{}, agents: map[string]queuedriver.Agent{}, completed: map[string]int{}}
}

func refClone(it *queuedriver.Item) *queuedriver.Item {
	c := *it
	c.Skills = slices.Clone(it.Skills)
	c.Payload = slices.Clone(it.Payload)
	return &c
}

// PutAgent implements queuedriver.Store.
func (s *refStore) PutAgent(ctx context.Context, a queuedriver.Agent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agents[a.ID] = a
	return nil
}

// GetAgent implements queuedriver.Store.
func (s *refStore) GetAgent(ctx context.Context, id string) (queuedriver.Agent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.agents[id]
	if !ok {
		return queuedriver.Agent{}, queuedriver.ErrUnknownAgent
	}
	return a, nil
}

// Upsert implements queuedriver.Store.
func (s *refStore) upsertP(ctx context.Context, p queuedriver.UpsertParams) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[p.Key]
	if !ok {
		it = &queuedriver.Item{Key: p.Key}
		s.items[p.Key] = it
	}
	if it.State == 0 || it.State == queuedriver.Done {
		it.State = queuedriver.Waiting
		it.EnqueuedAt = p.Now
		it.Unanswered = 0
	}
	if it.State == queuedriver.Snoozed {
		it.State = queuedriver.Waiting
		it.SnoozedUntil = time.Time{}
	}
	it.Channel, it.Team, it.Language = p.Channel, p.Team, p.Language
	it.Skills = slices.Clone(p.Skills)
	it.Score, it.Deadline = p.Score, p.Deadline
	it.Payload = slices.Clone(p.Payload)
	it.Rank = queuedriver.Rank(p.Weights, p.Score, p.Deadline, it.EnqueuedAt)
	if p.Unanswered > 0 {
		it.Unanswered = p.Unanswered
	} else {
		it.Unanswered++
	}
	it.Version++
	it.UpdatedAt = p.Now
	return refClone(it), nil
}

// heldBy counts the unexpired leases of agent at now.
func (s *refStore) heldBy(agent string, now time.Time) int {
	n := 0
	for _, it := range s.items {
		if it.State == queuedriver.Claimed && it.Holder == agent && now.Before(it.LeaseExpiresAt) {
			n++
		}
	}
	return n
}

// Claim implements queuedriver.Store.
func (s *refStore) claimP(ctx context.Context, p queuedriver.ClaimParams) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ag, ok := s.agents[p.Agent]
	if !ok {
		return nil, queuedriver.ErrUnknownAgent
	}
	if ag.Capacity > 0 && s.heldBy(p.Agent, p.Now) >= ag.Capacity {
		return nil, queuedriver.ErrAtCapacity
	}
	var best *queuedriver.Item
	for _, it := range s.items {
		if !it.Claimable(p.Now) || !p.Filter.Match(it) || s.reserved(it, p) {
			continue
		}
		if best == nil || refBetter(it, best) {
			best = it
		}
	}
	if best == nil {
		return nil, queuedriver.ErrNoItem
	}
	if best.State == queuedriver.Claimed { // expired lease
		best.LastAgent, best.LastHeldAt = best.Holder, best.LeaseExpiresAt
	}
	best.State = queuedriver.Claimed
	best.Holder, best.LeaseID, best.LeaseExpiresAt = p.Agent, p.LeaseID, p.ExpiresAt
	best.SnoozedUntil = time.Time{}
	best.Claims++
	best.UpdatedAt = p.Now
	return refClone(best), nil
}

// reserved reports whether affinity keeps it for another online agent.
func (s *refStore) reserved(it *queuedriver.Item, p queuedriver.ClaimParams) bool {
	if p.AffinityWindow <= 0 || it.LastAgent == "" || it.LastAgent == p.Agent {
		return false
	}
	if p.Now.Sub(it.LastHeldAt) >= p.AffinityWindow {
		return false
	}
	return s.agents[it.LastAgent].Online
}

func refBetter(a, b *queuedriver.Item) bool {
	if a.Rank != b.Rank {
		return a.Rank > b.Rank
	}
	if !a.EnqueuedAt.Equal(b.EnqueuedAt) {
		return a.EnqueuedAt.Before(b.EnqueuedAt)
	}
	return a.Key < b.Key
}

// lease returns the item if l is its current, unexpired lease.
func (s *refStore) lease(l queuedriver.LeaseRef) (*queuedriver.Item, error) {
	it, ok := s.items[l.Key]
	if !ok || it.State != queuedriver.Claimed || it.LeaseID != l.LeaseID || !l.Now.Before(it.LeaseExpiresAt) {
		return nil, queuedriver.ErrLeaseLost
	}
	return it, nil
}

// Extend implements queuedriver.Store.
func (s *refStore) extendP(ctx context.Context, l queuedriver.LeaseRef, expiresAt time.Time) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, err := s.lease(l)
	if err != nil {
		return nil, err
	}
	it.LeaseExpiresAt = expiresAt
	return refClone(it), nil
}

func (s *refStore) endLease(it *queuedriver.Item, now time.Time) {
	it.LastAgent, it.LastHeldAt = it.Holder, now
	it.Holder, it.LeaseID, it.LeaseExpiresAt = "", "", time.Time{}
	it.UpdatedAt = now
}

// Complete implements queuedriver.Store.
func (s *refStore) completeP(ctx context.Context, l queuedriver.LeaseRef) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, err := s.lease(l)
	if err != nil {
		return nil, err
	}
	s.endLease(it, l.Now)
	it.State = queuedriver.Done
	it.Unanswered = 0
	s.completed[it.Key] = len(s.completed) + 1
	return refClone(it), nil
}

// Release implements queuedriver.Store.
func (s *refStore) releaseP(ctx context.Context, l queuedriver.LeaseRef, p queuedriver.ReleaseParams) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, err := s.lease(l)
	if err != nil {
		return nil, err
	}
	s.endLease(it, l.Now)
	it.State = queuedriver.Waiting
	if p.Until.After(l.Now) {
		it.State, it.SnoozedUntil = queuedriver.Snoozed, p.Until
	}
	if p.Team != "" {
		it.Team = p.Team
		it.LastAgent = "" // a transfer to a team drops affinity
	}
	return refClone(it), nil
}

// Reassign implements queuedriver.Store.
func (s *refStore) reassignP(ctx context.Context, p queuedriver.ReassignParams) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.agents[p.ToAgent]; !ok {
		return nil, queuedriver.ErrUnknownAgent
	}
	var it *queuedriver.Item
	if p.FromLeaseID != "" {
		var err error
		if it, err = s.lease(queuedriver.LeaseRef{Key: p.Key, LeaseID: p.FromLeaseID, Now: p.Now}); err != nil {
			return nil, err
		}
	} else {
		var ok bool
		if it, ok = s.items[p.Key]; !ok {
			return nil, queuedriver.ErrNotFound
		}
	}
	if it.State == queuedriver.Claimed {
		s.endLease(it, p.Now)
	}
	it.State = queuedriver.Claimed
	it.Holder, it.LeaseID, it.LeaseExpiresAt = p.ToAgent, p.NewLeaseID, p.ExpiresAt
	it.SnoozedUntil = time.Time{}
	it.Claims++
	it.UpdatedAt = p.Now
	return refClone(it), nil
}

// Get implements queuedriver.Store.
func (s *refStore) getP(ctx context.Context, key string) (*queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[key]
	if !ok {
		return nil, queuedriver.ErrNotFound
	}
	return refClone(it), nil
}

// ReleaseAgent implements queuedriver.Store.
func (s *refStore) ReleaseAgent(ctx context.Context, agent string, now time.Time) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for _, it := range s.items {
		if it.State == queuedriver.Claimed && it.Holder == agent {
			s.endLease(it, now)
			it.State = queuedriver.Waiting
			keys = append(keys, it.Key)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// Count implements queuedriver.Store.
func (s *refStore) Count(ctx context.Context, f queuedriver.Filter, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, it := range s.items {
		if it.Claimable(now) && f.Match(it) {
			n++
		}
	}
	return n, nil
}

// Stats implements queuedriver.Store.
func (s *refStore) Stats(ctx context.Context, now time.Time) (queuedriver.Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := queuedriver.Stats{WaitingByChannel: map[string]int{}, WaitingByTeam: map[string]int{}, ClaimsByAgent: map[string]int{}}
	for _, it := range s.items {
		switch {
		case it.Claimable(now):
			st.WaitingByChannel[it.Channel]++
			st.WaitingByTeam[it.Team]++
			if st.OldestWaiting.IsZero() || it.EnqueuedAt.Before(st.OldestWaiting) {
				st.OldestWaiting = it.EnqueuedAt
			}
		case it.State == queuedriver.Claimed:
			st.ClaimsByAgent[it.Holder]++
		}
	}
	return st, nil
}

// The Store methods return values; the reference works on pointers.
func val(it *queuedriver.Item, err error) (queuedriver.Item, error) {
	if err != nil || it == nil {
		return queuedriver.Item{}, err
	}
	return *it, nil
}

func (s *refStore) Upsert(ctx context.Context, p queuedriver.UpsertParams) (queuedriver.Item, error) {
	return val(s.upsertP(ctx, p))
}
func (s *refStore) Claim(ctx context.Context, p queuedriver.ClaimParams) (queuedriver.Item, error) {
	return val(s.claimP(ctx, p))
}
func (s *refStore) Extend(ctx context.Context, l queuedriver.LeaseRef, expiresAt time.Time) (queuedriver.Item, error) {
	return val(s.extendP(ctx, l, expiresAt))
}
func (s *refStore) Complete(ctx context.Context, l queuedriver.LeaseRef) (queuedriver.Item, error) {
	return val(s.completeP(ctx, l))
}
func (s *refStore) Release(ctx context.Context, l queuedriver.LeaseRef, p queuedriver.ReleaseParams) (queuedriver.Item, error) {
	return val(s.releaseP(ctx, l, p))
}
func (s *refStore) Reassign(ctx context.Context, p queuedriver.ReassignParams) (queuedriver.Item, error) {
	return val(s.reassignP(ctx, p))
}
func (s *refStore) Get(ctx context.Context, key string) (queuedriver.Item, error) {
	return val(s.getP(ctx, key))
}
