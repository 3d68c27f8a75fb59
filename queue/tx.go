package queue

import (
	"context"
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

// CompleteWith completes the lease as Complete does, through complete
// instead of the store's own Complete: a caller that completes the item
// inside a transaction of its own (pgqueue.Store.CompleteTx) beside its
// own writes passes that call here, so that the Lease ends as if it had
// completed it. complete receives the lease's reference and returns the
// item as completed; its error fails CompleteWith as the store's would
// fail Complete.
func (l *Lease) CompleteWith(ctx context.Context, complete func(ctx context.Context, ref queuedriver.LeaseRef) (queuedriver.Item, error)) error {
	if complete == nil {
		return fmt.Errorf("%w: CompleteWith: complete is nil", ErrInvalid)
	}
	l.op.Lock()
	r := l.ref()
	holder := l.Item().Holder
	it, err := complete(ctx, r)
	if err != nil {
		l.op.Unlock()
		l.failed(err, r.Now)
		return fmt.Errorf("queue: complete %q: %w", r.Key, err)
	}
	l.set(it)
	l.q.lose(l, ErrLeaseEnded)
	l.op.Unlock() // before the event: its handler may use the lease
	l.q.emit(Event{Kind: EventComplete, Key: r.Key, Agent: holder, At: r.Now})
	return nil
}
