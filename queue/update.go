package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Now returns the time on the queue's clock (Config.Now), so that the
// parts of a host that work with the queue share its one clock.
func (q *Queue) Now() time.Time { return q.now() }

// validEntry checks what Update requires, as Enqueue does.
func validEntry(e *Entry) error {
	if e.Key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalid)
	}
	if !queuedriver.IsFinite(e.Score) {
		return fmt.Errorf("%w: item %q: score %v is not finite", ErrInvalid, e.Key, e.Score)
	}
	return nil
}

// Update re-routes the conversation's item without a customer message: it
// takes e's Channel, Team, Language, Skills, Score, Deadline and Payload
// and re-ranks the item, which keeps its state (Waiting, Snoozed or
// Claimed), its holder and lease, its snooze end, EnqueuedAt, Unanswered,
// Version and LastAgent (see queuedriver.Updater). e.Unanswered is ignored.
// Moving a waiting item to another Team is how a desk re-routes it; a
// holder who hands a claimed item over uses Lease.TransferToTeam instead.
//
// It fails with ErrInvalid, changing nothing, for an empty key or a score
// that is NaN or infinite; with ErrNotFound for a missing or Done item; and
// with an error wrapping errors.ErrUnsupported when the store is not a
// queuedriver.Updater. It wakes blocked Claims, since the item may now
// match other filters.
func (q *Queue) Update(ctx context.Context, e Entry) (*Item, error) {
	if err := validEntry(&e); err != nil {
		return nil, err
	}
	u, ok := q.store.(queuedriver.Updater)
	if !ok {
		return nil, fmt.Errorf("queue: update %q: store %T cannot update items: %w", e.Key, q.store, errors.ErrUnsupported)
	}
	it, err := u.Update(ctx, queuedriver.UpdateParams{
		Key: e.Key, Channel: e.Channel, Team: e.Team, Language: e.Language, Skills: e.Skills,
		Score: e.Score, Deadline: e.Deadline, Payload: e.Payload, Weights: q.w, Now: q.now(),
	})
	if err != nil {
		return nil, fmt.Errorf("queue: update %q: %w", e.Key, err)
	}
	q.signal()
	return &it, nil
}
