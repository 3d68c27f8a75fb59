package queue

import (
	"fmt"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// UpsertParams validates e and returns the parameters Enqueue would hand
// the store, on the queue's clock and weights, so that a caller can enqueue
// inside a transaction of its own (pgqueue.Store.UpsertTx) beside its own
// writes: a care desk saves a conversation and enqueues it in one. Call
// Wake after the transaction commits.
func (q *Queue) UpsertParams(e Entry) (queuedriver.UpsertParams, error) {
	if err := validEntry(&e); err != nil {
		return queuedriver.UpsertParams{}, err
	}
	if e.Unanswered < 0 {
		return queuedriver.UpsertParams{}, fmt.Errorf("%w: item %q: negative unanswered count %d", ErrInvalid, e.Key, e.Unanswered)
	}
	return queuedriver.UpsertParams{
		Key: e.Key, Channel: e.Channel, Team: e.Team, Language: e.Language, Skills: e.Skills,
		Score: e.Score, Deadline: e.Deadline, Payload: e.Payload, Weights: q.w, Now: q.now(),
		Unanswered: e.Unanswered,
	}, nil
}

// Wake wakes this process's claimers blocked in Claim, after an item was
// enqueued outside Enqueue (UpsertParams). A store that notifies other
// processes (pgqueue) does so itself when the transaction commits.
func (q *Queue) Wake() { q.signal() }
