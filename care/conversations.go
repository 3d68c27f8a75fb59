package care

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/socialcare/socialcare/sla"
)

// conversations is the desk's access to the conversations its Store owns:
// reads, and the per-conversation lock that orders this desk's changes to
// one conversation (between desks, the Store's versions do).
type conversations struct {
	store Store
	// own is store when it is a MemStore itself (not a wrapper of one):
	// save hands it the desk's conversations to keep (saveOwn).
	own     *MemStore
	seed    maphash.Seed
	stripes [256]sync.Mutex
}

func newConversations(s Store) *conversations {
	own, _ := s.(*MemStore)
	return &conversations{store: s, own: own, seed: maphash.MakeSeed()}
}

// lock locks the conversation key against this desk's other changes and
// returns the lock to unlock.
func (cs *conversations) lock(key string) *sync.Mutex {
	m := &cs.stripes[maphash.String(cs.seed, key)%uint64(len(cs.stripes))]
	m.Lock()
	return m
}

// convLock is one operation's hold on a conversation: it orders the
// operation with this desk's other changes to the conversation, and keeps
// the events the operation emits until it lets go, so that they reach
// Config.OnEvent outside the desk's locks and a handler may call the desk.
type convLock struct {
	d   *Desk
	mu  *sync.Mutex
	evs []Event
}

// lockConv locks the conversation key for one operation; release lets go
// and emits what the operation emitted.
func (d *Desk) lockConv(key string) *convLock {
	return &convLock{d: d, mu: d.convs.lock(key)}
}

func (l *convLock) emit(evs ...Event) {
	if !l.d.quiet {
		l.evs = append(l.evs, evs...)
	}
}

func (l *convLock) release() {
	l.mu.Unlock()
	l.d.emit(l.evs...)
}

// viewer is a Store that lends the desk views of its snapshots instead of
// copies (MemStore; see conversation_cow.go).
type viewer interface {
	view(key string) *Conversation
}

// get returns the stored conversation with key, or nil if there is none:
// the desk's own Conversation to change and save. From a viewer it is a
// view: append to its slices and set its fields, but copy a slice before
// writing one of its elements, and hand callers a clone, never the view.
func (cs *conversations) get(ctx context.Context, key string) (*Conversation, error) {
	if v, ok := cs.store.(viewer); ok {
		return v.view(key), nil
	}
	c, err := cs.store.Conversation(ctx, key)
	if errors.Is(err, ErrUnknownConversation) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// save stores c, the desk's own change of a conversation it read with get
// (a view nothing else holds, or a Conversation it made). A MemStore keeps
// c itself as its snapshot, with the turns and messages the desk appended
// (saveOwn): from then on c is read, never changed (view it to change it
// again). Any other Store, a wrapper of a MemStore included, gets
// SaveConversation, which copies.
func (cs *conversations) save(ctx context.Context, c *Conversation, seen []SeenKey, now time.Time) error {
	if cs.own != nil {
		return cs.own.saveOwn(c, seen, now)
	}
	return cs.store.SaveConversation(ctx, c, seen, now)
}

// peek returns the stored conversation with key, or nil, to read and to
// start a later change from (an assignment's base, which commitFrom
// changes a view of): from a MemStore its snapshot itself, from any other
// Store what get returns.
func (cs *conversations) peek(ctx context.Context, key string) (*Conversation, error) {
	if cs.own != nil {
		return cs.own.snapshot(key), nil
	}
	return cs.get(ctx, key)
}

// resolve returns the key of the conversation that key's messages join:
// key itself, or the conversation an alias record links it to.
func (cs *conversations) resolve(ctx context.Context, key string) (string, error) {
	c, err := cs.get(ctx, key)
	if err != nil {
		return "", err
	}
	if c != nil && c.LinkedTo != "" {
		return c.LinkedTo, nil
	}
	return key, nil
}

// link records alias as joining the conversation key (an alias record in
// the Store) unless alias is key or already has a record of its own. It
// reports whether it linked.
func (cs *conversations) link(ctx context.Context, alias, key string, now time.Time) (bool, error) {
	if alias == key {
		return false, nil
	}
	if c, err := cs.get(ctx, alias); err != nil || c != nil {
		return false, err
	}
	rec := Conversation{Key: alias, LinkedTo: key, ResolvedAt: now}
	if err := cs.store.SaveConversation(ctx, &rec, nil, now); err != nil && !errors.Is(err, ErrConflict) {
		return false, err
	}
	return true, nil
}

// Link joins the conversation alias to the conversation key, as the host
// knows them to be one customer's (an identity linked across channels; the
// desk never infers one): messages that arrive under alias are added to
// key's timeline, answered, acknowledged and measured as one conversation.
// alias must have no conversation of its own (ErrInvalid otherwise); key
// must exist. Keys are "channel:account:conversation".
func (d *Desk) Link(ctx context.Context, key, alias string) error {
	if key == "" || alias == "" || key == alias {
		return fmt.Errorf("%w: Link needs two different conversation keys (got %q and %q)", ErrInvalid, key, alias)
	}
	target, err := d.convs.resolve(ctx, key)
	if err != nil {
		return err
	}
	if c, err := d.convs.get(ctx, alias); err != nil {
		return err
	} else if c != nil && c.LinkedTo != target {
		return fmt.Errorf("%w: %s already has a conversation of its own (or another link); it cannot join %s", ErrInvalid, alias, target)
	} else if c != nil {
		return nil // linked already
	}
	defer d.convs.lock(target).Unlock()
	if _, _, err := d.commit(ctx, target, func(c *Conversation) (clockOp, error) {
		if !slices.Contains(c.Aliases, alias) {
			c.Aliases = append(c.Aliases, alias)
		}
		return nil, nil
	}, ""); err != nil {
		return fmt.Errorf("care: link %s to %s: %w", alias, target, err)
	}
	if _, err := d.convs.link(ctx, alias, target, d.now()); err != nil {
		return fmt.Errorf("care: link %s to %s: %w", alias, target, err)
	}
	return nil
}

// Conversation returns the conversation with key, as the Store holds it;
// for a key linked to another conversation (Link, or a move to private),
// the conversation it joins.
func (d *Desk) Conversation(ctx context.Context, key string) (Conversation, error) {
	k, err := d.convs.resolve(ctx, key)
	if err != nil {
		return Conversation{}, err
	}
	return d.convs.store.Conversation(ctx, k)
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
		if err := d.book.reset(c, nil); err != nil {
			errs = append(errs, err)
		}
		d.book.mu.Lock()
		st := d.book.clocks[c.Key]
		d.book.mu.Unlock()
		d.sched.arm(c, st)
	}
	return errors.Join(errs...)
}
