package care

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialcare/socialcare/channel"
)

// leaseTimedWork is the name of the Store lease held by the desk that runs
// the timed work.
const leaseTimedWork = "care/timed-work"

// feedPage is how many saves one read of the Store's feed returns; a Tick
// reads at most feedPages of them and leaves the rest to the next.
const (
	feedPage  = 256
	feedPages = 64
)

// lead takes or renews the lease to run the timed work and reports whether
// this desk holds it. Several desks sharing a Store elect one this way, so
// that each acknowledgement, SLA alert, escalation, follow-up, wait-time
// publication and purge is done by one desk; marks in the Store (Mark,
// MarkAcknowledged, TakeFollowUp, the conversations' versions) keep an
// overlap at a change of runner from doing any of them twice.
//
// A desk that wins the lease rebuilds its timers from the Store (Restore),
// then follows the Store's feed of saves to learn what other desks changed;
// a desk that loses it drops its timers and clocks.
func (d *Desk) lead(ctx context.Context) (bool, error) {
	ttl := 3 * d.tickEvery
	ok, err := d.convs.store.Lead(ctx, leaseTimedWork, d.instance, d.now(), ttl)
	if err != nil {
		err = fmt.Errorf("care: lead: %w", err)
	}
	was := d.sched.leading.Load()
	if !ok {
		if was {
			d.sched.leading.Store(false)
		}
		// Not the runner: keep no timers, and no clocks between operations.
		d.sched.clear()
		d.book.clear()
		return false, err
	}
	if !was {
		cur, err := d.convs.store.Cursor(ctx)
		if err != nil {
			return false, fmt.Errorf("care: lead: %w", err)
		}
		d.sched.clear()
		d.book.clear()
		d.sched.leading.Store(true)
		if err := d.Restore(ctx); err != nil {
			d.sched.leading.Store(false)
			return false, err
		}
		d.sched.mu.Lock()
		d.sched.cursor = cur
		d.sched.mu.Unlock()
	}
	return true, d.follow(ctx)
}

// follow reads the Store's feed of saves from where the runner left it and
// brings the clocks and timers of the conversations other desks changed up
// to date. Its own saves are known already (their version is the clock's)
// and cost a map lookup.
func (d *Desk) follow(ctx context.Context) error {
	d.sched.mu.Lock()
	cur := d.sched.cursor
	recheck := d.sched.recheck
	d.sched.recheck = nil
	d.sched.mu.Unlock()
	var errs []error
	for key := range recheck {
		d.book.forget(key)
		if err := d.observeChange(ctx, Change{Key: key, Open: true, Version: 1 << 62}); err != nil {
			errs = append(errs, err)
			d.sched.recheckLater(key)
		}
	}
	for range feedPages {
		chs, next, err := d.convs.store.Changes(ctx, cur, feedPage)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("care: follow the store's changes: %w", err))...)
		}
		for _, ch := range chs {
			if err := d.observeChange(ctx, ch); err != nil {
				errs = append(errs, err)
			}
		}
		cur = next
		d.sched.mu.Lock()
		d.sched.cursor = cur
		d.sched.mu.Unlock()
		if len(chs) < feedPage {
			break
		}
	}
	return errors.Join(errs...)
}

func (d *Desk) observeChange(ctx context.Context, ch Change) error {
	if v := d.book.known(ch.Key); v >= ch.Version && v > 0 {
		return nil // this desk's own save, or one already seen
	}
	if !ch.Open && !d.sched.armed(ch.Key) {
		return nil // resolved, and nothing of it is armed here
	}
	c, err := d.convs.get(ctx, ch.Key)
	if err != nil {
		return fmt.Errorf("care: follow %s: %w", ch.Key, err)
	}
	if c == nil {
		return nil
	}
	if err := d.book.reset(c, nil); err != nil {
		return fmt.Errorf("care: follow %s: %w", ch.Key, err)
	}
	d.book.mu.Lock()
	st := d.book.clocks[c.Key]
	d.book.mu.Unlock()
	d.sched.arm(c, st)
	return nil
}

// once marks name in the Store until expires and reports whether this desk
// is the first to do so: the work it names is done once across desks, even
// when the runner changes.
func (d *Desk) once(ctx context.Context, name string, now, expires time.Time) (bool, error) {
	return d.convs.store.Mark(ctx, SeenKey{Key: "care/once/" + name, Expires: expires}, now)
}

// settle turns the sends recorded on conversations and left unsettled past
// twice Config.SendTimeout (their desk was killed, or its Store failed
// after the platform took them) into MaybeSent turns, with a MaybeSent
// event each.
func (d *Desk) settle(ctx context.Context) error {
	return d.runDue(ctx, &d.sched.sends, "settle the sends of", d.settleOne)
}

func (d *Desk) settleOne(ctx context.Context, key string, now time.Time) error {
	lk := d.lockConv(key)
	defer lk.release()
	var settled []Sending
	saved, _, err := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
		settled = settled[:0]
		keep := c.Sending[:0:0]
		for _, p := range c.Sending {
			if now.Before(p.At.Add(d.sched.settleAfter)) {
				keep = append(keep, p)
				continue
			}
			settled = append(settled, p)
			c.Transcript = append(c.Transcript, Turn{Role: p.Role, Agent: p.Agent, ID: maybeSentID(p.ID), Text: p.Text,
				Visibility: p.Visibility, Channel: p.Channel, At: p.At, MaybeSent: true})
		}
		if len(settled) == 0 { // none old enough yet: look again when the oldest is
			d.sched.mu.Lock()
			d.sched.armSends(c)
			d.sched.mu.Unlock()
			return nil, errSkip
		}
		c.Sending = keep
		return nil, nil
	}, "")
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, p := range settled {
		e := d.event(MaybeSent, now, saved, fmt.Sprintf("%s by %s may have been sent: %q", roleName(p.Role), p.Desk, p.Text))
		e.Agent = p.Agent
		lk.emit(e)
	}
	return nil
}

// maybeSentID is the Turn.ID of a send settled as MaybeSent, so that the
// desk that sent it, if it comes back, records the platform's id there.
func maybeSentID(sendID string) string { return "maybe-sent:" + sendID }

func roleName(r Role) string {
	switch r {
	case Human:
		return "a reply"
	case BotRole:
		return "a bot's reply"
	default:
		return "the desk's message"
	}
}

// inFlight returns an error when c has a recorded send not yet settled: a
// new send waits until it is (the desk that recorded it finishes, or it
// becomes MaybeSent).
func inFlight(c *Conversation) error {
	if len(c.Sending) == 0 {
		return nil
	}
	var who []string
	for _, p := range c.Sending {
		who = append(who, p.Desk)
	}
	slices.Sort(who)
	return fmt.Errorf("%w: %s has a send in flight from %s; try again once it is settled", ErrInFlight, c.Key, strings.Join(slices.Compact(who), ", "))
}

// record saves the sends of plan on the conversation (Conversation.Sending)
// before they go out, when the Store is Durable, and returns their ids and
// the conversation as saved. On a store that ends with the process it does
// nothing: no other desk could find the record.
func (d *Desk) record(ctx context.Context, key string, c *Conversation, plan []send, agent Agent, kind channel.Kind, check func(*Conversation) error, now time.Time) ([]string, *Conversation, error) {
	if !d.durable {
		return nil, c, nil
	}
	rec := make([]Sending, len(plan))
	ids := make([]string, len(plan))
	for i, p := range plan {
		a := agent.ID
		if p.role == DeskRole {
			a = ""
		}
		ids[i] = uuid.NewString()
		rec[i] = Sending{ID: ids[i], Desk: d.instance, Role: p.role, Agent: a, Text: p.out.Text, Visibility: p.out.Visibility, Channel: kind, At: now}
	}
	planned := c.Version
	saved, _, err := d.commitFrom(ctx, key, c, func(c *Conversation) (clockOp, error) {
		if c.Version != planned {
			return nil, errMovedOn // the sends were planned from an older version
		}
		if err := inFlight(c); err != nil {
			return nil, err
		}
		if check != nil {
			if err := check(c); err != nil {
				return nil, err
			}
		}
		c.Sending = append(slices.Clip(c.Sending), rec...) // never into a shared array
		return nil, nil
	}, agent.ID)
	if err != nil {
		return nil, nil, err
	}
	return ids, saved, nil
}

// unrecord removes the recorded sends ids that did not go out. If it
// fails, they become MaybeSent turns later: a send is never silently lost.
func (d *Desk) unrecord(ctx context.Context, key string, ids []string) {
	if len(ids) == 0 {
		return
	}
	if _, _, err := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
		c.Sending = withoutSends(c.Sending, ids)
		return nil, nil
	}, ""); err != nil {
		d.onError(fmt.Errorf("care: reply to %s: the send failed, and so did removing its record: %w", key, err))
	}
}

// settledMaybeSent replaces the MaybeSent turns that another desk made of
// this desk's sends (turnSends[i] is turns[i]'s) with the turns as sent,
// and reports whether it found all of them: then the conversation already
// has its turns and nothing more is appended.
func settledMaybeSent(c *Conversation, turns []Turn, turnSends []string) bool {
	found, copied := 0, false
	for i, id := range turnSends {
		for j := range c.Transcript {
			if c.Transcript[j].MaybeSent && c.Transcript[j].ID == maybeSentID(id) {
				if !copied { // the loaded transcript may be shared with the stored one
					c.Transcript, copied = slices.Clone(c.Transcript), true
				}
				c.Transcript[j] = turns[i]
				found++
				break
			}
		}
	}
	return found > 0 && found == len(turnSends)
}

// withoutSends returns a new slice of the sends in s whose ids are not in
// ids; s itself (which may be shared with the stored conversation) is not
// changed.
func withoutSends(s []Sending, ids []string) []Sending {
	var out []Sending
	for _, p := range s {
		if !slices.Contains(ids, p.ID) {
			out = append(out, p)
		}
	}
	return out
}

// outcomeUnknown reports whether a failed send may still have reached the
// platform: it timed out or was cancelled, or the connection failed, after
// the request may have gone out.
func outcomeUnknown(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.As(err, &ne)
}
