package care

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
	"github.com/socialcare/socialcare/sla"
)

// Resolve closes the conversation: the queue item is completed, the
// resolution recorded (in the policy's business time, with every target
// still running past its time) and the conversation's SLA timers stop, so
// that Tick emits no SLA event for it. A new customer message starts a new
// cycle, routed afresh. A resolved assignment has ended: a later Reply or
// Resolve on it fails with ErrAssignmentEnded.
func (d *Desk) Resolve(ctx context.Context, a *Assignment) error {
	if err := a.live(); err != nil {
		return fmt.Errorf("care: resolve: %w", err)
	}
	key := a.Conversation.Key
	lk := d.lockConv(key)
	defer lk.release()
	d.unassign(a)
	now := d.now()
	var ev Event
	resolve := func(c *Conversation) (clockOp, error) {
		ev = d.resolution(c, now, a.Agent.ID)
		return resolveClock(now), nil
	}
	var (
		saved *Conversation
		ms    []sla.Measurement
		err   error
	)
	// Start from the version the desk loaded or saved for the assignment:
	// no read unless the conversation moved on (the save then conflicts).
	base := a.takeBase()
	if d.queueTx != nil {
		// One transaction: the resolution and the item's completion.
		saved, ms, err = d.commitCompleting(ctx, key, base, resolve, a, now)
		if err != nil {
			if a.lease.Context().Err() == nil {
				d.assign(a) // still the agent's: keep it alive again
			}
			return fmt.Errorf("care: resolve %s: %w", key, err)
		}
	} else {
		if err := a.lease.Complete(ctx); err != nil {
			if a.lease.Context().Err() == nil {
				d.assign(a) // still the agent's: keep it alive again
			}
			return fmt.Errorf("care: resolve %s: %w", key, err)
		}
		saved, ms, err = d.commitFrom(ctx, key, base, resolve, a.Agent.ID)
	}
	if saved == nil {
		return fmt.Errorf("care: resolve %s: %w", key, err)
	}
	a.Conversation = saved.clone() // the caller's own copy: saved may share the store's
	ev.Measurements = ms
	lk.emit(ev)
	if err != nil {
		return fmt.Errorf("care: resolve %s: %w", key, err)
	}
	return nil
}

// resolution resolves c at now, by agent, and returns the Resolved event.
func (d *Desk) resolution(c *Conversation, now time.Time, agent string) Event {
	ev := d.event(Resolved, now, c, "")
	ev.Agent = agent
	c.Since, c.ResolvedAt, c.AcknowledgedAt, c.AutoAcknowledged, c.Handoff = time.Time{}, now, time.Time{}, false, nil
	c.Routing, c.Team, c.Escalations, c.EscalatedTo, c.FirstResponded, c.Unanswered = nil, "", 0, "", false, 0
	return ev
}

// resolveClock resolves the clock at now and returns its measurements.
func resolveClock(now time.Time) clockOp {
	return func(st *slaClock) []sla.Measurement {
		ms, _ := st.clock.Resolve(st.instant(now)) // an open cycle's clock is never resolved
		return ms
	}
}

// recordResolved saves the reply that record applies and the resolution of
// a's conversation together, and completes a's lease: in one transaction
// on a QueueCommitter; otherwise the save, then the completion (a failed
// completion leaves the item to be completed by the next claim, which
// finds the conversation resolved).
func (d *Desk) recordResolved(ctx context.Context, key string, loaded *Conversation, record func(*Conversation) (clockOp, error), a *Assignment, resolved **Event, now time.Time) (*Conversation, []sla.Measurement, error) {
	both := func(c *Conversation) (clockOp, error) {
		op, err := record(c)
		if err != nil || op == nil {
			return op, err
		}
		ev := d.resolution(c, now, a.Agent.ID)
		*resolved = &ev
		return func(st *slaClock) []sla.Measurement {
			return append(op(st), resolveClock(now)(st)...)
		}, nil
	}
	d.unassign(a)
	var (
		saved *Conversation
		ms    []sla.Measurement
		err   error
	)
	if d.queueTx != nil {
		saved, ms, err = d.commitCompleting(ctx, key, loaded, both, a, now)
	} else {
		saved, ms, err = d.commitFrom(ctx, key, loaded, both, a.Agent.ID)
		if err == nil {
			if cerr := a.lease.Complete(ctx); cerr != nil {
				d.onError(fmt.Errorf("care: resolve %s: complete its queue item: %w", key, cerr))
			}
		}
	}
	if err != nil && a.lease.Context().Err() == nil {
		d.assign(a) // still the agent's: keep it alive again
	}
	return saved, ms, err
}

// commitCompleting commits fn's change to key and completes a's lease in
// one transaction (the Store's QueueCommitter), ending a's lease as
// queue.Lease.Complete would. On failure nothing was saved and it returns
// no conversation.
func (d *Desk) commitCompleting(ctx context.Context, key string, loaded *Conversation, fn func(*Conversation) (clockOp, error), a *Assignment, now time.Time) (*Conversation, []sla.Measurement, error) {
	var (
		saved *Conversation
		ms    []sla.Measurement
	)
	err := a.lease.CompleteWith(ctx, func(ctx context.Context, ref queuedriver.LeaseRef) (queuedriver.Item, error) {
		var it queuedriver.Item
		var serr error
		saved, ms, serr = d.commitWith(ctx, key, loaded, fn, a.Agent.ID, func(c *Conversation) error {
			var err error
			it, err = d.queueTx.SaveConversationCompleted(ctx, c, now, ref)
			return err
		})
		return it, serr
	})
	if err != nil {
		return nil, nil, err
	}
	return saved, ms, nil
}
