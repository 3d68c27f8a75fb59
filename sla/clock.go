package sla

import (
	"errors"
	"fmt"
	"time"
)

// ErrState is wrapped by the errors of Clock methods called in a state that
// does not allow them (Resume when not paused, Pause when resolved, ...).
var ErrState = errors.New("sla: wrong state")

// ReplyKind says what a brand reply satisfies.
type ReplyKind uint8

const (
	// Acknowledgement is an automatic or bot reply, or a human "you've
	// been heard": it satisfies TargetAcknowledge and TargetUpdate only.
	Acknowledgement ReplyKind = iota
	// Response is a substantive reply by a human agent: it satisfies
	// every reply target (acknowledge, first response, next response,
	// update).
	Response
)

// Timer is one running target of a conversation.
type Timer struct {
	Target Target
	// Due is the deadline.
	Due time.Time
	// Allowed is the target's time (Policy.Allowed).
	Allowed time.Duration
	// Calendar is the policy's calendar (nil: 24/7); warnings are placed
	// in its business time.
	Calendar *Calendar
	// Cycle counts the restarts of this target in the conversation (a new
	// next-response cycle, a reopen). Pauses keep it. A Tracker fires each
	// warning and breach once per cycle.
	Cycle uint32
}

type timer struct {
	running bool
	start   time.Time     // start of the current running segment
	spent   time.Duration // business time spent in earlier segments
	due     time.Time
	cycle   uint32
}

// Clock is the SLA state of one conversation: which targets run, their
// deadlines, pauses, resolution and reopening. Every method takes the
// current instant; the Clock never reads the time itself, so it is a pure
// state machine and easy to test. Instants must not go backwards, and must
// lie in the range of InRange (1678–2262): outside it a deadline is the zero
// Time, which Tracker.Track refuses, and Pause, Resume, Resolve and Reopen
// return a *RangeError and change nothing.
//
// The zero value is not usable; use NewClock. A Clock is not safe for
// concurrent use.
type Clock struct {
	p        Policy
	t        [numTargets]timer
	paused   bool
	pausedAt time.Time
	resolved bool
	replied  bool // a reply of any kind in this cycle
}

// NewClock starts the clock of a conversation whose first customer message
// arrived at start: acknowledge, first response (when tracked) and resolve
// run from start.
func NewClock(p Policy, start time.Time) *Clock {
	c := &Clock{p: p}
	c.start(TargetAcknowledge, start)
	c.start(TargetFirstResponse, start)
	c.start(TargetResolve, start)
	return c
}

// Policy returns the clock's policy.
func (c *Clock) Policy() Policy { return c.p }

// Paused reports whether the clock is paused.
func (c *Clock) Paused() bool { return c.paused }

// Resolved reports whether the conversation is resolved.
func (c *Clock) Resolved() bool { return c.resolved }

func (c *Clock) start(t Target, now time.Time) {
	allowed := c.p.Allowed(t)
	if allowed <= 0 {
		return
	}
	i := targetIndex(t)
	c.t[i] = timer{running: true, start: now, due: c.p.Calendar.Add(now, allowed), cycle: c.t[i].cycle + 1}
}

// stop stops target t and returns its measurement; ok is false when it was
// not running.
func (c *Clock) stop(t Target, now time.Time) (Measurement, bool) {
	i := targetIndex(t)
	tm := &c.t[i]
	if !tm.running {
		return Measurement{}, false
	}
	el := tm.spent
	if !c.paused {
		el += c.p.Calendar.Between(tm.start, now)
	}
	tm.running = false
	return Measurement{Policy: c.p.Name, Target: t, Elapsed: el, Allowed: c.p.Allowed(t)}, true
}

// Reply records a brand reply at now and returns the measurements of the
// targets it satisfied (Channel and Agent left for the caller to fill). An
// Acknowledgement stops acknowledge; a Response stops acknowledge, first
// response and next response. Either ends the silence since the previous
// reply, if there was one (an update measurement), and restarts the update
// timer. A reply to a resolved conversation changes nothing. A reply while
// paused is recorded and the clock stays paused.
func (c *Clock) Reply(now time.Time, kind ReplyKind) []Measurement {
	if c.resolved {
		return nil
	}
	var out []Measurement
	stop := [...]Target{TargetAcknowledge, TargetFirstResponse, TargetNextResponse}
	n := 1
	if kind == Response {
		n = len(stop)
	}
	for _, t := range stop[:n] {
		if m, ok := c.stop(t, now); ok {
			if out == nil {
				out = make([]Measurement, 0, n+1) // room for the update measurement
			}
			out = append(out, m)
		}
	}
	if m, ok := c.stop(TargetUpdate, now); ok {
		out = append(out, m)
	}
	c.start(TargetUpdate, now)
	if c.paused {
		c.freeze(targetIndex(TargetUpdate), now)
	}
	c.replied = true
	return out
}

// CustomerMessage records a customer message at now. After a brand reply it
// starts a next-response cycle (when tracked and not already running). On
// a resolved conversation it reopens it (see Reopen). A message while
// paused resumes the clock: the customer has answered.
func (c *Clock) CustomerMessage(now time.Time) {
	if c.resolved {
		_ = c.Reopen(now)
		return
	}
	if c.paused {
		_ = c.Resume(now)
	}
	if c.replied && !c.t[targetIndex(TargetNextResponse)].running {
		c.start(TargetNextResponse, now)
	}
}

// Pause stops every running timer at now, e.g. while waiting on the
// customer. The business time left to each target is kept for Resume.
func (c *Clock) Pause(now time.Time) error {
	switch {
	case c.resolved:
		return fmt.Errorf("%w: Pause: conversation is resolved", ErrState)
	case c.paused:
		return fmt.Errorf("%w: Pause: already paused", ErrState)
	}
	if err := checkRange("Clock.Pause", now); err != nil {
		return err
	}
	c.paused, c.pausedAt = true, now
	for i := range c.t {
		if c.t[i].running {
			c.freeze(i, now)
		}
	}
	return nil
}

func (c *Clock) freeze(i int, now time.Time) {
	tm := &c.t[i]
	tm.spent += c.p.Calendar.Between(tm.start, now)
	tm.start = now
}

// Resume restarts the paused timers at now: each is due when the business
// time it had left at Pause has passed again. A target already breached at
// Pause keeps its deadline.
func (c *Clock) Resume(now time.Time) error {
	if !c.paused {
		return fmt.Errorf("%w: Resume: not paused", ErrState)
	}
	if err := checkRange("Clock.Resume", now); err != nil {
		return err
	}
	c.paused = false
	for i := range c.t {
		tm := &c.t[i]
		if !tm.running {
			continue
		}
		tm.start = now
		if left := c.p.Allowed(targets[i]) - tm.spent; left > 0 {
			tm.due = c.p.Calendar.Add(now, left)
		}
	}
	return nil
}

// Resolve resolves the conversation at now: every timer stops. It returns
// the resolve measurement, then one for each other target that was still
// running and already past its time (a first response never given, a
// silence that ran over): those were missed, and a report must count them.
// Running targets still within their time are dropped, neither met nor
// missed. Resolving a resolved conversation is an error.
func (c *Clock) Resolve(now time.Time) ([]Measurement, error) {
	if c.resolved {
		return nil, fmt.Errorf("%w: Resolve: already resolved", ErrState)
	}
	if err := checkRange("Clock.Resolve", now); err != nil {
		return nil, err
	}
	var out []Measurement
	if m, ok := c.stop(TargetResolve, now); ok {
		out = append(out, m)
	}
	for _, t := range targets {
		if m, ok := c.stop(t, now); ok && !m.Met() {
			out = append(out, m)
		}
	}
	c.resolved, c.paused = true, false
	return out, nil
}

// Reopen reopens a resolved conversation at now, e.g. on a new customer
// message: a new resolve cycle starts from now and so does a next-response
// cycle (when tracked), since the customer waits for an answer.
// Acknowledge and first response, met once, do not run again.
func (c *Clock) Reopen(now time.Time) error {
	if !c.resolved {
		return fmt.Errorf("%w: Reopen: not resolved", ErrState)
	}
	if err := checkRange("Clock.Reopen", now); err != nil {
		return err
	}
	c.resolved = false
	c.start(TargetResolve, now)
	c.start(TargetNextResponse, now)
	return nil
}

// Timers returns the running timers in report order; none while paused or
// resolved.
func (c *Clock) Timers() []Timer {
	if c.paused || c.resolved {
		return nil
	}
	n := 0
	for _, tm := range c.t {
		if tm.running {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return c.AppendTimers(make([]Timer, 0, n))
}

// AppendTimers appends the timers Timers returns to dst and returns the
// extended slice, so that a caller that only reads them (Tracker.Track)
// can keep them in a buffer of its own instead of a new slice per call.
func (c *Clock) AppendTimers(dst []Timer) []Timer {
	if c.paused || c.resolved {
		return dst
	}
	for i, tm := range c.t {
		if tm.running {
			dst = append(dst, Timer{Target: targets[i], Due: tm.due, Allowed: c.p.Allowed(targets[i]), Calendar: c.p.Calendar, Cycle: tm.cycle})
		}
	}
	return dst
}

// Due returns the deadline of target t and whether it is running (a paused
// timer runs but its deadline will move on Resume).
func (c *Clock) Due(t Target) (time.Time, bool) {
	i := targetIndex(t)
	if i < 0 || !c.t[i].running {
		return time.Time{}, false
	}
	return c.t[i].due, true
}

// Left returns the business time left to target t at now (negative once
// breached: the business time past its deadline) and whether it is
// running. While paused it is the time left at Pause.
func (c *Clock) Left(t Target, now time.Time) (time.Duration, bool) {
	i := targetIndex(t)
	if i < 0 || !c.t[i].running {
		return 0, false
	}
	tm := c.t[i]
	spent := tm.spent
	if !c.paused {
		spent += c.p.Calendar.Between(tm.start, now)
	}
	return c.p.Allowed(t) - spent, true
}
