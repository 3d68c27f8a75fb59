package memqueue_test

import (
	"context"
	"slices"

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
