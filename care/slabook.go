package care

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socialcare/socialcare/sla"
)

// SLAAlert is the detail of an SLAWarning or SLABreach event: which target
// of which policy, how much of its business time had passed, and when it
// is due.
type SLAAlert struct {
	// Policy is the name of the conversation's policy (Conversation.Policy).
	Policy string
	// Target is the running target concerned.
	Target sla.Target
	// Fraction is the share of the target's business time that had passed:
	// one of the warning fractions (Config.SLAWarnings) for a warning, 1
	// for a breach.
	Fraction float64
	// Allowed is the target's time, in business time.
	Allowed time.Duration
	// Due is the target's deadline.
	Due time.Time
	// DueAt is the instant the event came due: the warning's place in
	// business time, or Due for a breach. It is at or before the event's At
	// (the Tick that noticed it).
	DueAt time.Time
	// Cycle counts the restarts of the target in the conversation (a new
	// next-response cycle, a reopening); each cycle warns and breaches at
	// most once.
	Cycle uint32
}

// slaBook is the desk's SLA book: the clocks of the open conversations
// (each a pure function of its conversation, cached with the version it
// reflects), the tracker that holds their running timers, and the
// measurements behind Attainment. It has its own lock; it holds nothing
// for resolved conversations.
type slaBook struct {
	mu      sync.Mutex
	clocks  map[string]*slaClock
	tracker *sla.Tracker[string]
	ms      measurements
	// leading is the scheduler's: only the desk that runs the timed work
	// tracks timers and keeps clocks between operations.
	leading *atomic.Bool
}

// slaClock is the SLA clock of a conversation's open cycle.
type slaClock struct {
	clock   *sla.Clock
	last    time.Time // the latest instant fed: a Clock's instants never go backwards
	version int64     // the conversation version the clock reflects
}

func newSLABook(warn *sla.TrackerConfig, r RetentionConfig) (*slaBook, error) {
	tr, err := sla.NewTracker[string](warn)
	if err != nil {
		return nil, fmt.Errorf("%w: SLAWarnings: %w", ErrInvalid, err)
	}
	return &slaBook{clocks: map[string]*slaClock{}, tracker: tr, ms: measurements{keep: r.Measurements, max: r.MaxMeasurements}}, nil
}

// instant returns t, or the latest instant already fed if t is before it
// (a message stamped by its platform before the desk's last reply).
func (s *slaClock) instant(t time.Time) time.Time {
	if t.Before(s.last) {
		return s.last
	}
	s.last = t
	return t
}

// feed reports turn t to the clock and returns the measurements it
// completed (Channel and Agent left for the caller): a customer turn is a
// customer message; a human agent's turn is a response; a bot's or the
// desk's (acknowledgements, delete requests) only acknowledges.
func (s *slaClock) feed(t Turn) []sla.Measurement {
	at := s.instant(t.At)
	switch t.Role {
	case Customer:
		s.clock.CustomerMessage(at)
		return nil
	case Human:
		return s.clock.Reply(at, sla.Response)
	default:
		return s.clock.Reply(at, sla.Acknowledgement)
	}
}

// nearest returns the earliest deadline of the clock's running targets;
// zero when none runs (paused, resolved).
func (s *slaClock) nearest() time.Time {
	var t time.Time
	if s == nil {
		return t
	}
	var buf [8]sla.Timer
	for _, tm := range s.clock.AppendTimers(buf[:0]) {
		if t.IsZero() || tm.Due.Before(t) {
			t = tm.Due
		}
	}
	return t
}

// deadlines returns the clock's deadlines: zero for targets that are not
// running, and all zero while the clock is paused (they move on Resume).
func (s *slaClock) deadlines() sla.Deadlines {
	var d sla.Deadlines
	if s == nil {
		return d
	}
	d.Policy = s.clock.Policy().Name
	if s.clock.Paused() {
		return d
	}
	d.AcknowledgeBy, _ = s.clock.Due(sla.TargetAcknowledge)
	d.FirstResponseBy, _ = s.clock.Due(sla.TargetFirstResponse)
	d.ResolveBy, _ = s.clock.Due(sla.TargetResolve)
	return d
}

// newSLAClock builds the SLA clock of c's current cycle from what the
// conversation keeps: its Policy, Since and the turns from CycleStart on,
// replayed in order with its pauses (their measurements were recorded
// when they happened and are dropped). It returns nil when c is resolved.
// A cycle that reopened a resolved conversation (CycleStart > 0) runs only
// resolve and next response: acknowledge and first response were met in
// an earlier cycle.
func newSLAClock(c *Conversation) *slaClock {
	if !c.Open() {
		return nil
	}
	s := &slaClock{clock: sla.NewClock(c.Policy, c.Since), last: c.Since, version: c.Version}
	if c.CycleStart > 0 {
		_, _ = s.clock.Resolve(c.Since) // cannot fail: the clock is new
		_ = s.clock.Reopen(c.Since)     // cannot fail: it was just resolved
	}
	type edge struct {
		turn  int
		at    time.Time
		pause bool
	}
	var edges []edge
	for _, p := range c.SLAPauses {
		edges = append(edges, edge{p.FromTurn, p.From, true})
		if !p.To.IsZero() {
			edges = append(edges, edge{p.ToTurn, p.To, false})
		}
	}
	k := 0
	upTo := func(turn int) { // errors mean a malformed stored conversation: skip the edge
		for ; k < len(edges) && edges[k].turn <= turn; k++ {
			if at := s.instant(edges[k].at); edges[k].pause {
				_ = s.clock.Pause(at)
			} else {
				_ = s.clock.Resume(at)
			}
		}
	}
	if c.CycleStart >= 0 && c.CycleStart < len(c.Transcript) {
		for j := c.CycleStart + 1; j < len(c.Transcript); j++ {
			upTo(j)
			if !c.Transcript[j].MaybeSent {
				s.feed(c.Transcript[j])
			}
		}
	}
	upTo(len(c.Transcript))
	return s
}

// clockOf returns the book's clock for c as loaded (at c.Version),
// rebuilding it when the book has none or an older one (another desk
// changed the conversation). Called with b.mu held.
func (b *slaBook) clockOf(c *Conversation) *slaClock {
	st := b.clocks[c.Key]
	if st == nil || st.version != c.Version {
		st = newSLAClock(c)
	}
	return st
}

// prepare returns the book's clock for c as loaded (at c.Version), before
// the change the caller is making, rebuilding and caching it if the book
// has none or an older one. The caller changes it with apply and hands it
// to saved once the changed conversation is stored (or to forget if the
// save failed). A nil clock means c is resolved.
func (b *slaBook) prepare(c *Conversation) *slaClock {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.clockOf(c)
	if st != nil {
		b.clocks[c.Key] = st
	}
	return st
}

// apply runs op on st under the book's lock and returns the measurements
// it completed.
func (b *slaBook) apply(st *slaClock, op clockOp) []sla.Measurement {
	b.mu.Lock()
	defer b.mu.Unlock()
	return op(st)
}

// saved records that c was stored with the change that st reflects: st is
// cached for c.Version, its timers tracked, and ms recorded. A resolved c
// drops the clock and its timers.
func (b *slaBook) saved(c *Conversation, st *slaClock, ms []sla.Measurement, now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range ms {
		b.ms.add(m, now)
	}
	if st == nil || !c.Open() {
		delete(b.clocks, c.Key)
		b.tracker.Untrack(c.Key) // no SLA event after the resolution
		return nil
	}
	st.version = c.Version
	if b.leading != nil && !b.leading.Load() {
		delete(b.clocks, c.Key) // not the runner: nothing to track
		return nil
	}
	b.clocks[c.Key] = st
	var buf [8]sla.Timer // more than the targets: Track reads the timers, it keeps none
	if err := b.tracker.Track(c.Key, st.clock.AppendTimers(buf[:0])); err != nil {
		return fmt.Errorf("the SLA tracker refused %s: %w", c.Key, err)
	}
	return nil
}

// reset tracks st, c's clock built from scratch (nil builds it), afresh
// (a new cycle, a changed policy, a conversation another desk changed):
// the tracker forgets what it fired for the old one.
func (b *slaBook) reset(c *Conversation, st *slaClock) error {
	if st == nil {
		st = newSLAClock(c)
	}
	b.mu.Lock()
	b.tracker.Untrack(c.Key)
	b.mu.Unlock()
	return b.saved(c, st, nil, time.Time{})
}

// forget drops the clock of key (a save failed: the next use rebuilds it
// from the store).
func (b *slaBook) forget(key string) {
	b.mu.Lock()
	delete(b.clocks, key)
	b.mu.Unlock()
}

// alert is an SLA event that came due, with the version of the
// conversation its clock reflected.
type alert struct {
	ev      sla.Event[string]
	a       SLAAlert
	version int64
}

// advance returns the warnings and breaches due by now, in time order. It
// costs O(log n) per event and nothing per open conversation.
func (b *slaBook) advance(now time.Time) []alert {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []alert
	b.tracker.AdvanceFunc(now, func(e sla.Event[string]) {
		st := b.clocks[e.Key]
		if st == nil {
			return
		}
		p := st.clock.Policy()
		out = append(out, alert{ev: e, version: st.version, a: SLAAlert{Policy: p.Name, Target: e.Target, Fraction: e.Fraction,
			Allowed: p.Allowed(e.Target), Due: e.Due, DueAt: e.At, Cycle: e.Cycle}})
	})
	return out
}

// summarize returns the attainment of the measurements kept at now.
func (b *slaBook) summarize(keep func(sla.Measurement) bool, now time.Time) []sla.Summary {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ms.prune(now)
	var a sla.Attainment
	for _, m := range b.ms.kept() {
		a.Record(m.m)
	}
	return a.Summarize(keep)
}

// measurements are the SLA measurements that count towards Attainment:
// those of the last keep, at most max, oldest first. They sit in a ring
// that doubles when full, up to max: an add or a prune moves nothing.
type measurements struct {
	keep time.Duration
	max  int
	q    []timedMeasurement // the ring: n measurements from head, wrapping
	head int
	n    int
}

type timedMeasurement struct {
	m  sla.Measurement
	at time.Time
}

func (ms *measurements) add(m sla.Measurement, at time.Time) {
	if ms.max <= 0 {
		return
	}
	if ms.n == len(ms.q) {
		if len(ms.q) >= ms.max {
			ms.drop(1) // full at max: the oldest goes
		} else {
			q := make([]timedMeasurement, min(max(2*len(ms.q), 64), ms.max))
			copy(q[copy(q, ms.q[ms.head:]):], ms.q[:ms.head]) // the ring is full: all of it, oldest first
			ms.q, ms.head = q, 0
		}
	}
	ms.q[(ms.head+ms.n)%len(ms.q)] = timedMeasurement{m, at}
	ms.n++
}

// prune drops the measurements older than keep, and halves the ring while
// it is less than a quarter full, so that a ring grown at a peak is let go.
func (ms *measurements) prune(now time.Time) {
	k := 0
	for k < ms.n && now.Sub(ms.q[(ms.head+k)%len(ms.q)].at) > ms.keep {
		k++
	}
	ms.drop(k)
	if len(ms.q) > 64 && ms.n < len(ms.q)/4 {
		q := make([]timedMeasurement, len(ms.q)/2)
		if end := ms.head + ms.n; end <= len(ms.q) {
			copy(q, ms.q[ms.head:end])
		} else {
			copy(q[copy(q, ms.q[ms.head:]):], ms.q[:end-len(ms.q)])
		}
		ms.q, ms.head = q, 0
	}
}

// drop forgets the k oldest measurements.
func (ms *measurements) drop(k int) {
	for range k {
		ms.q[ms.head] = timedMeasurement{}
		ms.head = (ms.head + 1) % len(ms.q)
	}
	ms.n -= k
	if ms.n == 0 {
		ms.head = 0
	}
}

// kept returns a copy of the measurements kept, oldest first.
func (ms *measurements) kept() []timedMeasurement {
	out := make([]timedMeasurement, 0, ms.n)
	if ms.n == 0 {
		return out
	}
	if end := ms.head + ms.n; end <= len(ms.q) {
		return append(out, ms.q[ms.head:end]...)
	}
	out = append(out, ms.q[ms.head:]...)
	return append(out, ms.q[:ms.head+ms.n-len(ms.q)]...)
}

// samePolicy reports whether a and b set the same targets on the same
// calendar under the same name (criteria aside), so that a clock of one
// serves the other.
func samePolicy(a, b sla.Policy) bool {
	return a.Name == b.Name && a.Acknowledge == b.Acknowledge && a.FirstResponse == b.FirstResponse &&
		a.NextResponse == b.NextResponse && a.Update == b.Update && a.Resolve == b.Resolve && a.Calendar == b.Calendar
}

// closePause records the end of c's open pause, at at, before the turn
// numbered turn. It writes into a copy of c.SLAPauses: c may be a view of
// a stored snapshot.
func closePause(c *Conversation, at time.Time, turn int) {
	if n := len(c.SLAPauses); n > 0 && c.SLAPauses[n-1].To.IsZero() {
		c.SLAPauses = slices.Clone(c.SLAPauses)
		c.SLAPauses[n-1].To, c.SLAPauses[n-1].ToTurn = at, turn
	}
}

// clear drops every clock and timer: the desk no longer runs the timed
// work (it lost the lease), or is about to rebuild them (it won it).
func (b *slaBook) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k := range b.clocks {
		b.tracker.Untrack(k)
	}
	clear(b.clocks)
}

// known returns the version of key's conversation that the book's clock
// reflects, or 0 if it has none.
func (b *slaBook) known(key string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if st := b.clocks[key]; st != nil {
		return st.version
	}
	return 0
}
