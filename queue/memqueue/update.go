package memqueue

import (
	"context"
	"math"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

var _ queuedriver.Updater = (*Store)(nil)

// unanswered is an item's count after an Upsert: set is
// UpsertParams.Unanswered (clamped to what an entry holds) when positive,
// else the old count plus one.
func unanswered(old int32, set int) int32 {
	if set > 0 {
		return int32(min(set, math.MaxInt32))
	}
	return old + 1
}

// Update implements queuedriver.Updater. It takes O(log n): the entry
// leaves its group tree (or the timers) and is placed again, in its new
// group if the channel or team changed.
func (s *Store) Update(ctx context.Context, p queuedriver.UpdateParams) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := enc(p.Now)
	s.advance(now)
	e := s.find(p.Key)
	if e == nil || e.state == queuedriver.Done {
		return queuedriver.Item{}, queuedriver.ErrNotFound
	}
	s.detach(e)
	if e.g.key.channel != p.Channel || e.g.key.team != p.Team {
		e.g = s.group(p.Channel, p.Team)
	}
	e.language = p.Language
	e.skills = s.internSkills(p.Skills)
	e.score, e.deadline = p.Score, enc(p.Deadline)
	e.payload = string(p.Payload)
	e.rank = queuedriver.Rank(p.Weights, p.Score, p.Deadline, dec(e.enqueuedAt))
	e.updatedAt = now
	s.place(e)
	return e.item(), nil
}
