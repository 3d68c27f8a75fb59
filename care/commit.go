package care

import (
	"context"
	"errors"
	"fmt"

	"github.com/socialcare/socialcare/sla"
)

// clockOp is what a change does to the conversation's SLA clock, with the
// measurements it completes; nil means the change does not feed the clock
// (it is rebuilt from the conversation).
type clockOp func(st *slaClock) []sla.Measurement

// commit applies fn to the stored conversation key and saves it, retrying
// from the new version when another writer changed it meanwhile; then it
// brings the SLA book and the scheduler up to date and records the
// measurements (for agent). Call it with the conversation's lock held.
// It returns the conversation as saved (nil if it never was).
func (d *Desk) commit(ctx context.Context, key string, fn func(c *Conversation) (clockOp, error), agent string) (*Conversation, []sla.Measurement, error) {
	return d.commitFrom(ctx, key, nil, fn, agent)
}

// commitFrom is commit starting from loaded, the conversation as just read
// from the Store (nil reads it); a conflict reads it again.
func (d *Desk) commitFrom(ctx context.Context, key string, loaded *Conversation, fn func(c *Conversation) (clockOp, error), agent string) (*Conversation, []sla.Measurement, error) {
	return d.commitWith(ctx, key, loaded, fn, agent, nil)
}

// commitView is commitFrom with view, a view the caller just read with
// get and holds alone: it is changed and saved as it is, where commitFrom
// changes a view of loaded (which may be a conversation a MemStore keeps).
func (d *Desk) commitView(ctx context.Context, key string, view *Conversation, fn func(c *Conversation) (clockOp, error), agent string) (*Conversation, []sla.Measurement, error) {
	return d.commitAt(ctx, key, view, true, fn, agent, nil)
}

// commitWith is commitFrom with save in place of the Store's
// SaveConversation (nil: that); save must fail with ErrConflict, writing
// nothing, when the stored version is not c.Version.
func (d *Desk) commitWith(ctx context.Context, key string, loaded *Conversation, fn func(c *Conversation) (clockOp, error), agent string, save func(c *Conversation) error) (*Conversation, []sla.Measurement, error) {
	return d.commitAt(ctx, key, loaded, false, fn, agent, save)
}

// commitAt is commitWith; fresh says that loaded is a view only the
// caller holds (commitView).
func (d *Desk) commitAt(ctx context.Context, key string, loaded *Conversation, fresh bool, fn func(c *Conversation) (clockOp, error), agent string, save func(c *Conversation) error) (*Conversation, []sla.Measurement, error) {
	if save == nil {
		save = func(c *Conversation) error { return d.convs.save(ctx, c, nil, d.now()) }
		if loaded != nil && !fresh && d.convs.own != nil {
			loaded = loaded.view() // it may be what the MemStore keeps (saveOwn): change a view of it
		}
	}
	now := d.now()
	for attempt := 0; ; attempt++ {
		c, err := loaded, error(nil)
		if c == nil || attempt > 0 {
			c, err = d.convs.get(ctx, key)
		}
		if err != nil {
			return nil, nil, err
		}
		if c == nil {
			return nil, nil, fmt.Errorf("%w: %s", ErrUnknownConversation, key)
		}
		st := d.book.prepare(c) // the clock before the change
		op, err := fn(c)
		if err != nil {
			return nil, nil, err
		}
		var ms []sla.Measurement
		switch {
		case op == nil:
			st = newSLAClock(c)
		case st != nil:
			ms = d.book.apply(st, op)
		}
		if err := save(c); err != nil {
			d.book.forget(key)
			if errors.Is(err, ErrConflict) && attempt < 8 {
				continue
			}
			return nil, nil, fmt.Errorf("the store failed: %w", err)
		}
		for i := range ms {
			ms[i].Channel, ms[i].Agent = string(c.Channel), agent
		}
		err = d.book.saved(c, st, ms, now)
		d.sched.arm(c, st)
		return c, ms, err
	}
}
