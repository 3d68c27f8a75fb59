package care

import (
	"fmt"
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

// slaClock is the SLA clock of a conversation's open cycle. It is guarded
// by Desk.mu.
type slaClock struct {
	clock *sla.Clock
	last  time.Time // the latest instant fed: a Clock's instants never go backwards
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

// newSLAClock builds the SLA clock of c's current cycle from what the
// conversation keeps: its Policy, Since and the turns from CycleStart on,
// replayed in order (their measurements were recorded when they happened
// and are dropped). It returns nil when c is resolved. A cycle that
// reopened a resolved conversation (CycleStart > 0) runs only resolve and
// next response, from Since: acknowledge and first response were met in an
// earlier cycle.
func newSLAClock(c *Conversation) *slaClock {
	if c.Since.IsZero() {
		return nil
	}
	s := &slaClock{clock: sla.NewClock(c.Policy, c.Since), last: c.Since}
	if c.CycleStart > 0 {
		_, _ = s.clock.Resolve(c.Since) // cannot fail: the clock is new
		_ = s.clock.Reopen(c.Since)     // cannot fail: it was just resolved
	}
	// The pauses' starts and ends, in order, each placed before the turn
	// that followed it.
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
	if c.CycleStart >= 0 && c.CycleStart < len(c.Transcript) { // else a malformed stored conversation: no turns to replay
		for j := c.CycleStart + 1; j < len(c.Transcript); j++ {
			upTo(j)
			s.feed(c.Transcript[j])
		}
	}
	upTo(len(c.Transcript))
	return s
}

// pauseClock pauses the SLA clock of c at at (a Boomerang), unless it is
// paused or resolved already, and reports whether it paused it. Called
// with d.mu held.
func (d *Desk) pauseClock(c *Conversation, at time.Time) (bool, error) {
	st := d.clocks[c.Key]
	if st == nil || st.clock.Paused() || st.clock.Resolved() {
		return false, nil
	}
	at = st.instant(at)
	if err := st.clock.Pause(at); err != nil {
		return false, fmt.Errorf("the SLA clock of %s: %w", c.Key, err)
	}
	c.SLAPauses = append(c.SLAPauses, SLAPause{From: at, FromTurn: len(c.Transcript)})
	return true, d.track(c.Key, st)
}

// resumeClock resumes the paused SLA clock of c at at (or at the last
// instant it saw, if later) and reports whether it was paused. Called with
// d.mu held.
func (d *Desk) resumeClock(c *Conversation, at time.Time) (bool, error) {
	st := d.clocks[c.Key]
	if st == nil || !st.clock.Paused() {
		return false, nil
	}
	at = st.instant(at)
	if err := st.clock.Resume(at); err != nil {
		return false, fmt.Errorf("the SLA clock of %s: %w", c.Key, err)
	}
	closePause(c, at, len(c.Transcript))
	return true, d.track(c.Key, st)
}

// closePause records the end of c's open pause, at at, before the turn
// numbered turn.
func closePause(c *Conversation, at time.Time, turn int) {
	if n := len(c.SLAPauses); n > 0 && c.SLAPauses[n-1].To.IsZero() {
		c.SLAPauses[n-1].To, c.SLAPauses[n-1].ToTurn = at, turn
	}
}

// resetClock replaces the SLA clock of c with one rebuilt from c (none when
// c is resolved) and tracks it afresh. Called with d.mu held.
func (d *Desk) resetClock(c *Conversation) error {
	d.tracker.Untrack(c.Key) // a new Clock's cycles restart: forget what fired
	s := newSLAClock(c)
	if s == nil {
		delete(d.clocks, c.Key)
		return nil
	}
	d.clocks[c.Key] = s
	return d.track(c.Key, s)
}

// track hands the clock's running timers to the tracker after a change of
// the clock. Called with d.mu held, so that the tracker sees the clock's
// changes in order.
func (d *Desk) track(key string, s *slaClock) error {
	if err := d.tracker.Track(key, s.clock.Timers()); err != nil {
		return fmt.Errorf("the SLA tracker refused %s: %w", key, err)
	}
	return nil
}

// samePolicy reports whether a and b set the same targets on the same
// calendar under the same name (criteria aside), so that a clock of one
// serves the other.
func samePolicy(a, b sla.Policy) bool {
	return a.Name == b.Name && a.Acknowledge == b.Acknowledge && a.FirstResponse == b.FirstResponse &&
		a.NextResponse == b.NextResponse && a.Update == b.Update && a.Resolve == b.Resolve && a.Calendar == b.Calendar
}

// slaAlerts emits an SLAWarning or SLABreach event for each warning and
// breach of an open conversation's SLA that came due by now, in time
// order. Each fires once per target cycle; it costs O(log n) per event and
// nothing per conversation.
func (d *Desk) slaAlerts() {
	now := d.now()
	d.mu.Lock()
	// Under d.mu, like Track and Untrack: a conversation resolved before
	// this point has been untracked and fires nothing.
	es := d.tracker.Advance(now)
	evs := make([]Event, 0, len(es))
	for _, e := range es {
		c, ok := d.convs[e.Key]
		st := d.clocks[e.Key]
		if !ok || st == nil {
			continue
		}
		p := st.clock.Policy()
		al := &SLAAlert{Policy: p.Name, Target: e.Target, Fraction: e.Fraction, Allowed: p.Allowed(e.Target), Due: e.Due, DueAt: e.At, Cycle: e.Cycle}
		ev := Event{Kind: SLAWarning, At: now, Key: e.Key, Channel: string(c.Channel), Team: c.Team, SLA: al,
			Detail: fmt.Sprintf("%s: %.0f%% of %v passed, due %s", e.Target, 100*e.Fraction, al.Allowed, e.Due.Format(time.RFC3339))}
		if e.Kind == sla.Breach {
			ev.Kind = SLABreach
			ev.Detail = fmt.Sprintf("%s: %v passed, was due %s", e.Target, al.Allowed, e.Due.Format(time.RFC3339))
		}
		if c.Routing != nil {
			ev.Loop = c.Routing.Loop.Name
		}
		evs = append(evs, ev)
	}
	d.mu.Unlock()
	d.emit(evs...)
}
