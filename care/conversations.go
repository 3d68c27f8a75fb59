package care

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"

	"github.com/socialcare/socialcare/sla"
)

// conversations is the desk's access to the conversations its Store owns:
// reads, and the per-conversation lock that orders this desk's changes to
// one conversation (between desks, the Store's versions do).
type conversations struct {
	store   Store
	seed    maphash.Seed
	stripes [256]sync.Mutex
}

func newConversations(s Store) *conversations {
	return &conversations{store: s, seed: maphash.MakeSeed()}
}

// lock locks the conversation key against this desk's other changes and
// returns the unlock.
func (cs *conversations) lock(key string) func() {
	m := &cs.stripes[maphash.String(cs.seed, key)%uint64(len(cs.stripes))]
	m.Lock()
	return m.Unlock
}

// get returns the stored conversation with key, or nil if there is none.
func (cs *conversations) get(ctx context.Context, key string) (*Conversation, error) {
	c, err := cs.store.Conversation(ctx, key)
	if errors.Is(err, ErrUnknownConversation) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Conversation returns the conversation with key, as the Store holds it.
func (d *Desk) Conversation(ctx context.Context, key string) (Conversation, error) {
	return d.convs.store.Conversation(ctx, key)
}

// Deadlines returns the open conversation's SLA deadlines as its clock has
// them now (a Boomerang's pause moves them), or an error wrapping
// ErrUnknownConversation.
func (d *Desk) Deadlines(ctx context.Context, key string) (sla.Deadlines, error) {
	c, err := d.convs.store.Conversation(ctx, key)
	if err != nil {
		return sla.Deadlines{}, err
	}
	return d.deadlines(&c), nil
}

// deadlines returns c's deadlines from its clock.
func (d *Desk) deadlines(c *Conversation) sla.Deadlines {
	d.book.mu.Lock()
	defer d.book.mu.Unlock()
	return d.book.clockOf(c).deadlines()
}

// Restore prepares a desk that starts on a Store that already holds
// conversations (after a restart): it rebuilds the SLA clock of each open
// conversation from what the conversation keeps (its Policy, Since,
// transcript and pauses) and arms its acknowledgement and escalation.
// Warnings and breaches that came due while no desk ran are emitted by the
// next Tick.
func (d *Desk) Restore(ctx context.Context) error {
	cs, err := d.convs.store.OpenConversations(ctx)
	if err != nil {
		return errors.Join(errors.New("care: restore"), err)
	}
	var errs []error
	for i := range cs {
		c := &cs[i]
		if err := d.book.reset(c); err != nil {
			errs = append(errs, err)
		}
		d.book.mu.Lock()
		st := d.book.clocks[c.Key]
		d.book.mu.Unlock()
		d.sched.arm(c, st)
	}
	return errors.Join(errs...)
}
