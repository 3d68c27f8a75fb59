package memqueue_test

import (
	"context"
	"slices"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

var _ queuedriver.Updater = (*refStore)(nil)

// Update implements queuedriver.Updater.
func (s *refStore) Update(ctx context.Context, p queuedriver.UpdateParams) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[p.Key]
	if !ok || it.State == queuedriver.Done {
		return queuedriver.Item{}, queuedriver.ErrNotFound
	}
	it.Channel, it.Team, it.Language = p.Channel, p.Team, p.Language
	it.Skills = slices.Clone(p.Skills)
	it.Score, it.Deadline = p.Score, p.Deadline
	it.Payload = slices.Clone(p.Payload)
	it.Rank = queuedriver.Rank(p.Weights, p.Score, p.Deadline, it.EnqueuedAt)
	it.UpdatedAt = p.Now
	return *refClone(it), nil
}

var _ queuedriver.Purger = (*refStore)(nil)

// PurgeDone implements queuedriver.Purger: the Done items changed before
// before, oldest first, ties in completion order.
func (s *refStore) PurgeDone(ctx context.Context, before time.Time, limit int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var old []*queuedriver.Item
	for _, it := range s.items {
		if it.State == queuedriver.Done && it.UpdatedAt.Before(before) {
			old = append(old, it)
		}
	}
	slices.SortFunc(old, func(a, b *queuedriver.Item) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return s.completed[a.Key] - s.completed[b.Key]
	})
	n := min(max(limit, 0), len(old))
	for _, it := range old[:n] {
		delete(s.items, it.Key)
	}
	return n, nil
}
