package care

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

// scheduler holds the desk's timed work: when each open conversation's
// automatic acknowledgement and next escalation step come due, and when
// wait times and retention last ran. Its timers are an index over the
// conversations (rebuilt by Restore), so a Tick costs in proportion to
// what is due, not to how many conversations there are.
type scheduler struct {
	ack     AckConfig
	wait    WaitConfig
	maxHold time.Duration

	mu          sync.Mutex
	acks, escs  timers
	sends       timers // conversations with a recorded send to settle
	lastPublish time.Time
	lastPurge   time.Time

	// leading reports that this desk holds the lease to run the timed work
	// (Store.Lead): only then does it keep timers.
	leading atomic.Bool
	cursor  int64 // the position in the Store's feed of saves it has read to
	// recheck are conversations whose timed work failed on the Store: the
	// next Tick reloads them and rebuilds their clocks and timers.
	recheck map[string]bool
	// settleAfter is how long after a recorded send its desk has to
	// record it as sent or not before it becomes MaybeSent.
	settleAfter time.Duration
}

func newScheduler(ack AckConfig, wait WaitConfig, maxHold time.Duration) *scheduler {
	return &scheduler{ack: ack, wait: wait, maxHold: maxHold, acks: newTimers(), escs: newTimers(), sends: newTimers()}
}

func (s *scheduler) ackDelay(c *Conversation) time.Duration {
	if s.ack.Delay > 0 {
		return s.ack.Delay
	}
	return min(c.Policy.Acknowledge/2, 15*time.Minute)
}

// arm sets c's timers from the conversation as saved and its clock st. A
// desk that does not run the timed work keeps none.
func (s *scheduler) arm(c *Conversation, st *slaClock) {
	if !s.leading.Load() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armSends(c)
	if !s.ack.Disabled && c.Open() && c.AcknowledgedAt.IsZero() && len(c.Messages) > 0 &&
		(c.Last().Visibility != channel.AdComment || s.ack.AdComments) {
		s.acks.set(c.Key, c.Since.Add(s.ackDelay(c)))
	} else {
		s.acks.remove(c.Key)
	}
	if at, ok := escalationDue(c, st); ok {
		s.escs.set(c.Key, at)
	} else {
		s.escs.remove(c.Key)
	}
}

// escalationDue is when c's next escalation step is due: its loop's step
// delay after the resolution deadline of its clock, which pauses move.
func escalationDue(c *Conversation, st *slaClock) (time.Time, bool) {
	if !c.Open() || c.Routing == nil || c.Escalations >= len(c.Routing.Loop.Escalation) || st == nil || st.clock.Paused() {
		return time.Time{}, false
	}
	due, ok := st.clock.Due(sla.TargetResolve)
	if !ok {
		return time.Time{}, false
	}
	return due.Add(c.Routing.Loop.Escalation[c.Escalations].After), true
}

// Tick does the desk's timed work at the desk clock's now, and returns the
// errors it met, joined (it keeps going after one):
//
//   - renews the leases of open assignments and lets go of those idle past
//     Config.MaxHold;
//   - sends the automatic acknowledgement of each cycle that no agent holds
//     or has answered once AckConfig.Delay has passed (never twice in a
//     cycle, even across desks: the Store marks it first; never on ad
//     comments unless AckConfig.AdComments);
//   - emits an SLAWarning or SLABreach event for each warning and breach
//     that came due (after the acknowledgements, so that one sent in this
//     Tick stops its timer first), each once per target cycle;
//   - escalates conversations whose loop's resolution deadline (from the
//     SLA clock, which pauses move) has passed, one step of the chain at a
//     time, moving a waiting conversation to the step's team;
//   - sends scheduled proactive messages that are due, through the reply
//     guards, and emits a FollowUpDue event for each Boomerang that came
//     due;
//   - publishes the expected wait times every WaitConfig.Every;
//   - purges what retention allows every Retention.Every.
//
// Desks that share a Store elect one to do all but the first step (a lease
// in the Store, renewed by each Tick and taken over three TickIntervals
// after its holder stops); the Store's marks keep a change of runner from
// doing any step twice. The runner learns what other desks changed from
// the Store's feed of saves. Before all of that, it settles the sends
// recorded and left unsettled past twice Config.SendTimeout (a desk was
// killed mid-send) as MaybeSent turns.
//
// Its cost is in proportion to the work that is due, the open assignments
// and the saves since the last Tick, not to the conversations the desk
// has seen. Call it from a
// timer (Run does) or from a test with a virtual clock.
func (d *Desk) Tick(ctx context.Context) error {
	errs := []error{d.keepAlive(ctx)}
	lead, err := d.lead(ctx)
	errs = append(errs, err)
	if lead {
		errs = append(errs, d.settle(ctx), d.acknowledge(ctx), d.slaAlerts(ctx), d.escalate(ctx), d.followUps(ctx), d.publishWaits(ctx), d.purge(ctx))
	}
	return errors.Join(errs...)
}

// Run calls Tick every Config.TickInterval of real time until ctx ends,
// handing Tick's errors to Config.OnError. It returns ctx's cause. A host
// runs it for the desk's life (and the queue's Start beside it): without
// it, no acknowledgement, SLA alert, escalation, Boomerang or wait time
// happens and assignments' leases expire.
func (d *Desk) Run(ctx context.Context) error {
	t := time.NewTicker(d.tickEvery)
	defer t.Stop()
	for {
		if err := d.Tick(ctx); err != nil {
			d.onError(err)
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-t.C:
		}
	}
}

// AckText returns the acknowledgement template for a channel and language,
// with {name} replaced.
func (d *Desk) AckText(kind channel.Kind, lang, name string) string {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		lang = lang[:i]
	}
	t := ""
	for _, k := range []string{string(kind) + "/" + lang, string(kind), lang, ""} {
		if v, ok := d.sched.ack.Templates[k]; ok {
			t = v
			break
		}
		if k == lang || k == "" {
			if v, ok := DefaultAckTemplates()[k]; ok {
				t = v
				break
			}
		}
	}
	return strings.TrimSpace(strings.ReplaceAll(t, "{name}", name))
}

var errSkip = errors.New("care: nothing to do")

func (d *Desk) acknowledge(ctx context.Context) error {
	now := d.now()
	d.sched.mu.Lock()
	keys := d.sched.acks.due(now)
	d.sched.mu.Unlock()
	var errs []error
	for _, key := range keys {
		c, err := d.convs.get(ctx, key)
		if err != nil {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", key, err))
			d.retryLater(&d.sched.acks, key, now)
			continue
		}
		if c == nil || !c.Open() || !c.AcknowledgedAt.IsZero() {
			continue
		}
		if due := c.Since.Add(d.sched.ackDelay(c)); now.Before(due) { // a newer cycle
			d.book.mu.Lock()
			st := d.book.clockOf(c) // with its clock, so that its escalation stays armed
			d.book.mu.Unlock()
			d.sched.arm(c, st)
			continue
		}
		it, err := d.q.Get(ctx, key)
		if err != nil && !errors.Is(err, queue.ErrNotFound) {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", key, err))
			d.retryLater(&d.sched.acks, key, now)
			continue
		}
		if it != nil && it.State == queue.Claimed && now.Before(it.LeaseExpiresAt) {
			d.sched.mu.Lock()
			d.sched.acks.set(key, it.LeaseExpiresAt) // an agent has it: look again when the lease would end
			d.sched.mu.Unlock()
			continue
		}
		first, err := d.convs.store.MarkAcknowledged(ctx, key, c.Cycle, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", key, err))
			d.retryLater(&d.sched.acks, key, now)
			continue
		}
		if !first {
			continue
		}
		last := c.Last()
		name := last.Author.Name
		if name == "" {
			name = last.Author.Handle
		}
		cycle := c.Cycle
		_, _, err = d.deliver(ctx, key, Agent{}, d.AckText(c.Channel, last.Language, name), "", func(c *Conversation) error {
			if c.Cycle != cycle || !c.AcknowledgedAt.IsZero() {
				return errSkip
			}
			return nil
		})
		if err != nil && !errors.Is(err, errSkip) && !errors.Is(err, ErrInFlight) {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", key, err))
			d.emit(Event{Kind: Blocked, At: now, Key: key, Channel: string(c.Channel), Auto: true, Detail: "acknowledgement not sent: " + err.Error()})
		}
	}
	return errors.Join(errs...)
}

// slaAlerts emits an SLAWarning or SLABreach event for each warning and
// breach that came due by now, in time order, once per target cycle (the
// Store marks each first, so that a rebuilt clock or another runner does
// not emit it again). An
// alert whose clock another desk has moved on is checked against the
// stored conversation first: its rebuilt clock fires again if still due.
func (d *Desk) slaAlerts(ctx context.Context) error {
	now := d.now()
	var evs []Event
	var errs []error
	for _, a := range d.book.advance(now) {
		c, err := d.convs.get(ctx, a.ev.Key)
		if err != nil {
			errs = append(errs, fmt.Errorf("care: SLA alert %s: %w", a.ev.Key, err))
			d.sched.recheckLater(a.ev.Key) // its clock is rebuilt next Tick: the alert fires again
			continue
		}
		if c == nil || !c.Open() {
			d.book.forget(a.ev.Key)
			continue
		}
		if c.Version != a.version {
			errs = append(errs, d.book.reset(c, nil))
			continue
		}
		al := a.a
		first, err := d.once(ctx, fmt.Sprintf("sla/%s/%d/%s/%d/%g", c.Key, c.Cycle, al.Target, al.Cycle, al.Fraction), now, now.Add(d.retention.Dedup))
		if err != nil {
			errs = append(errs, fmt.Errorf("care: SLA alert %s: %w", a.ev.Key, err))
			d.sched.recheckLater(a.ev.Key) // its clock is rebuilt next Tick: the alert fires again
			continue
		}
		if !first {
			continue // emitted already, by this runner before a rebuild or by another
		}
		ev := d.event(SLAWarning, now, c, fmt.Sprintf("%s: %.0f%% of %v passed, due %s", al.Target, 100*al.Fraction, al.Allowed, al.Due.Format(time.RFC3339)))
		if a.ev.Kind == sla.Breach {
			ev.Kind = SLABreach
			ev.Detail = fmt.Sprintf("%s: %v passed, was due %s", al.Target, al.Allowed, al.Due.Format(time.RFC3339))
		}
		ev.SLA = &al
		evs = append(evs, ev)
	}
	d.emit(evs...)
	return errors.Join(errs...)
}

func (d *Desk) escalate(ctx context.Context) error {
	return d.runDue(ctx, &d.sched.escs, "escalate", d.escalateOne)
}

// runDue runs do on each key of t due at the desk's now; a key whose work
// fails is due again at the next Tick.
func (d *Desk) runDue(ctx context.Context, t *timers, what string, do func(ctx context.Context, key string, now time.Time) error) error {
	now := d.now()
	d.sched.mu.Lock()
	keys := t.due(now)
	d.sched.mu.Unlock()
	var errs []error
	for _, key := range keys {
		if err := do(ctx, key, now); err != nil {
			errs = append(errs, fmt.Errorf("care: %s %s: %w", what, key, err))
			d.retryLater(t, key, now)
		}
	}
	return errors.Join(errs...)
}

// escalateOne fires the next escalation step of key if it is due.
func (d *Desk) escalateOne(ctx context.Context, key string, now time.Time) error {
	lk := d.lockConv(key)
	defer lk.release()
	var ev Event
	_, _, err := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
		d.book.mu.Lock()
		st := d.book.clockOf(c)
		d.book.mu.Unlock()
		at, ok := escalationDue(c, st)
		if !ok || now.Before(at) {
			d.sched.arm(c, st)
			return nil, errSkip
		}
		step := c.Routing.Loop.Escalation[c.Escalations]
		c.Escalations++
		c.EscalatedTo = step.To
		ev = d.event(Escalated, now, c, fmt.Sprintf("%s deadline passed: step %d, %s told", c.Routing.Loop.Name, c.Escalations, step.To))
		ev.Team = "" // set below if the conversation moves
		it, err := d.q.Get(ctx, key)
		switch {
		case errors.Is(err, queue.ErrNotFound): // not queued: tell, move nothing
		case err != nil:
			return nil, err
		case it.Claimable(now) && it.State != queue.Snoozed:
			e := queue.Entry{Key: key, Channel: it.Channel, Team: step.To, Language: it.Language, Skills: it.Skills,
				Score: it.Score, Deadline: st.nearest(), Payload: it.Payload}
			if _, err := d.q.Update(ctx, e); err != nil {
				return nil, err
			}
			c.Team, ev.Team = step.To, step.To
			ev.Detail += ", moved to team " + step.To
		case it.State == queue.Claimed:
			ev.Agent = it.Holder
			ev.Detail += ", held by " + it.Holder
		}
		return nil, nil
	}, "")
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return err
	}
	lk.emit(ev)
	return nil
}

// purge deletes what retention allows, every Retention.Every.
func (d *Desk) purge(ctx context.Context) error {
	now := d.now()
	d.sched.mu.Lock()
	due := now.Sub(d.sched.lastPurge) >= d.retention.Every
	if due {
		d.sched.lastPurge = now
	}
	d.sched.mu.Unlock()
	if !due {
		return nil
	}
	p := PurgeParams{Now: now, Limit: d.retention.Batch}
	if d.retention.Resolved > 0 {
		p.ResolvedBefore = now.Add(-d.retention.Resolved)
	}
	d.book.mu.Lock()
	d.book.ms.prune(now)
	d.book.mu.Unlock()
	if _, err := d.convs.store.Purge(ctx, p); err != nil {
		return fmt.Errorf("care: purge: %w", err)
	}
	return nil
}

// timers is a set of keys each due at an instant, earliest first.
type timers struct{ h timerHeap }

type timer struct {
	key string
	at  time.Time
}

type timerHeap struct {
	list []timer
	pos  map[string]int
}

func (h *timerHeap) Len() int           { return len(h.list) }
func (h *timerHeap) Less(i, j int) bool { return h.list[i].at.Before(h.list[j].at) }
func (h *timerHeap) Swap(i, j int) {
	h.list[i], h.list[j] = h.list[j], h.list[i]
	h.pos[h.list[i].key], h.pos[h.list[j].key] = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(timer)
	h.pos[t.key] = len(h.list)
	h.list = append(h.list, t)
}
func (h *timerHeap) Pop() any {
	t := h.list[len(h.list)-1]
	h.list = h.list[:len(h.list)-1]
	delete(h.pos, t.key)
	return t
}

func newTimers() timers { return timers{h: timerHeap{pos: map[string]int{}}} }

// set makes key due at at.
func (t *timers) set(key string, at time.Time) {
	if i, ok := t.h.pos[key]; ok {
		t.h.list[i].at = at
		heap.Fix(&t.h, i)
		return
	}
	heap.Push(&t.h, timer{key, at})
}

// remove forgets key.
func (t *timers) remove(key string) {
	if i, ok := t.h.pos[key]; ok {
		heap.Remove(&t.h, i)
	}
}

// due removes and returns the keys due at or before now, earliest first.
func (t *timers) due(now time.Time) []string {
	var out []string
	for t.h.Len() > 0 && !t.h.list[0].at.After(now) {
		out = append(out, heap.Pop(&t.h).(timer).key)
	}
	return out
}

// clear drops every timer (the lease was lost, or is about to be rebuilt).
func (s *scheduler) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acks.h.Len()+s.escs.h.Len()+s.sends.h.Len() > 0 {
		s.acks, s.escs, s.sends = newTimers(), newTimers(), newTimers()
	}
}

// armed reports whether key has a timer.
func (s *scheduler) armed(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, a := s.acks.h.pos[key]
	_, e := s.escs.h.pos[key]
	_, p := s.sends.h.pos[key]
	return a || e || p
}

// retryLater makes key due again in t at the next Tick: its work failed
// on the Store or the queue and was not done.
func (d *Desk) retryLater(t *timers, key string, now time.Time) {
	d.sched.mu.Lock()
	t.set(key, now.Add(d.tickEvery))
	d.sched.mu.Unlock()
}

// recheckLater has the next Tick reload key and rebuild its clock and
// timers (an SLA alert that failed fires again; marks keep it once).
func (s *scheduler) recheckLater(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recheck == nil {
		s.recheck = map[string]bool{}
	}
	s.recheck[key] = true
}

// armSends sets c's timer for settling its recorded sends: twice
// SendTimeout after the oldest. Called with s.mu held.
func (s *scheduler) armSends(c *Conversation) {
	if len(c.Sending) == 0 {
		s.sends.remove(c.Key)
		return
	}
	first := c.Sending[0].At
	for _, p := range c.Sending[1:] {
		if p.At.Before(first) {
			first = p.At
		}
	}
	s.sends.set(c.Key, first.Add(s.settleAfter))
}
