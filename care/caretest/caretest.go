// Package caretest builds a care.Desk on in-memory fakes and a virtual
// clock, with assertions for a host application's own tests. Production
// code never imports it.
package caretest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// Clock is a virtual clock. It only moves when Advance or Set is called.
// It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Desk is a desk wired to in-memory fakes.
type Desk struct {
	*care.Desk
	// Clock drives the desk and its queue.
	Clock *Clock
	// Queue is the desk's queue, on a memqueue store.
	Queue *queue.Queue
	// X and Messenger are in-memory channels for the account "brand".
	X, Messenger *memchannel.Adapter

	mu     sync.Mutex
	events []care.Event
}

// Start is the instant a new test desk's clock reads: Monday 2026-01-05
// 08:00 UTC.
var Start = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// Options change the fakes NewDeskWith builds. The zero value gives
// NewDesk's.
type Options struct {
	// Start is the virtual clock's first reading. Defaults to Start.
	Start time.Time
	// LeaseTTL is the queue's lease TTL. Defaults to the queue's default
	// (5 minutes).
	LeaseTTL time.Duration
	// X and Messenger are the channels' capabilities. Default to
	// memchannel's defaults (280 characters on X).
	X, Messenger *channel.Capabilities
}

// NewDesk returns a desk on a memqueue, with in-memory X and Messenger
// channels and a virtual clock at Start, which drives the queue and so the
// desk. cfg may be nil; its OnEvent is wrapped so that the
// test desk records every event (Events, RequireEvent) before passing it
// on. Failures end the test.
func NewDesk(tb testing.TB, cfg *care.Config) *Desk {
	tb.Helper()
	return NewDeskWith(tb, cfg, nil)
}

// NewDeskWith is NewDesk with options for the fakes. opts may be nil.
func NewDeskWith(tb testing.TB, cfg *care.Config, opts *Options) *Desk {
	tb.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Start.IsZero() {
		o.Start = Start
	}
	clk := NewClock(o.Start)
	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now, LeaseTTL: o.LeaseTTL})
	if err != nil {
		tb.Fatalf("caretest: queue: %v", err)
	}
	var c care.Config
	if cfg != nil {
		c = *cfg
	}
	td := &Desk{Clock: clk, Queue: q}
	next := c.OnEvent
	c.OnEvent = func(e care.Event) {
		td.mu.Lock()
		td.events = append(td.events, e)
		td.mu.Unlock()
		if next != nil {
			next(e)
		}
	}
	d, err := care.New(q, &c)
	if err != nil {
		tb.Fatalf("caretest: desk: %v", err)
	}
	td.Desk = d
	for _, k := range []channel.Kind{channel.X, channel.Messenger} {
		caps := o.X
		if k == channel.Messenger {
			caps = o.Messenger
		}
		a, err := memchannel.New(k, &memchannel.Config{Now: clk.Now, Capabilities: caps})
		if err != nil {
			tb.Fatalf("caretest: %s channel: %v", k, err)
		}
		ch, err := channel.New(a)
		if err != nil {
			tb.Fatalf("caretest: %s channel: %v", k, err)
		}
		if err := d.AddChannel(ch); err != nil {
			tb.Fatalf("caretest: %v", err)
		}
		if k == channel.X {
			td.X = a
		} else {
			td.Messenger = a
		}
	}
	return td
}

// RequireIngest ingests m, stamping it with the clock's time if it has no
// ReceivedAt and the "brand" account if it has none, and returns the
// intake.
func (d *Desk) RequireIngest(tb testing.TB, m channel.Message) *care.Intake {
	tb.Helper()
	if m.Account == "" {
		m.Account = "brand"
	}
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = d.Clock.Now()
	}
	in, err := d.Ingest(context.Background(), m)
	if err != nil {
		tb.Fatalf("caretest: ingest %s: %v", m.ID, err)
	}
	return in
}

// RequireNext gives agent the next conversation, failing the test if none is
// available.
func (d *Desk) RequireNext(tb testing.TB, agent string) *care.Assignment {
	tb.Helper()
	a, err := d.TryNext(context.Background(), agent, queue.Filter{})
	if err != nil {
		tb.Fatalf("caretest: next for %s: %v", agent, err)
	}
	return a
}

// RequireSent fails the test unless the adapter sent exactly one message
// containing substr, and returns it.
func RequireSent(tb testing.TB, a *memchannel.Adapter, substr string) memchannel.Sent {
	tb.Helper()
	var found []memchannel.Sent
	for _, s := range a.Sent() {
		if strings.Contains(s.Text, substr) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("caretest: %s sent %d messages containing %q, want 1 (all sent: %v)", a.Kind(), len(found), substr, a.Sent())
	}
	return found[0]
}

// Events returns a copy of the events recorded so far, oldest first.
func (d *Desk) Events() []care.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.events)
}

// EventsOf returns the recorded events of kind, oldest first.
func (d *Desk) EventsOf(kind care.EventKind) []care.Event {
	var out []care.Event
	for _, e := range d.Events() {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// RequireEvent fails the test unless an event of kind was recorded for the
// conversation key ("" matches any), and returns the last such event.
func (d *Desk) RequireEvent(tb testing.TB, kind care.EventKind, key string) care.Event {
	tb.Helper()
	evs := d.EventsOf(kind)
	for i := len(evs) - 1; i >= 0; i-- {
		if key == "" || evs[i].Key == key {
			return evs[i]
		}
	}
	tb.Fatalf("caretest: no %s event for %q (recorded: %v)", kind, key, kinds(d.Events()))
	return care.Event{}
}

// RequireNoEvent fails the test if an event of kind was recorded for key
// ("" matches any).
func (d *Desk) RequireNoEvent(tb testing.TB, kind care.EventKind, key string) {
	tb.Helper()
	for _, e := range d.EventsOf(kind) {
		if key == "" || e.Key == key {
			tb.Fatalf("caretest: unexpected %s event for %q: %+v", kind, e.Key, e)
		}
	}
}

func kinds(evs []care.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Kind.String()
	}
	return out
}

// Advance moves the virtual clock by dt in steps of at most a minute,
// running the desk's Tick after each (once for a dt of 0), as the desk's
// Run would; it fails the test if a Tick returns an error.
func (d *Desk) Advance(tb testing.TB, dt time.Duration) {
	tb.Helper()
	for first := true; first || dt > 0; first = false {
		step := min(dt, time.Minute)
		d.Clock.Advance(step)
		dt -= step
		if err := d.Tick(context.Background()); err != nil {
			tb.Fatalf("caretest: tick at %v: %v", d.Clock.Now(), err)
		}
	}
}

// RequireReply replies through a with the options, failing the test on any
// error, and returns what was sent.
func (d *Desk) RequireReply(tb testing.TB, a *care.Assignment, text string, opts care.ReplyOptions) *care.Sent {
	tb.Helper()
	s, err := d.ReplyWith(context.Background(), a, text, opts)
	if err != nil {
		tb.Fatalf("caretest: reply to %s: %v", a.Conversation.Key, err)
	}
	return s
}

// RequireBlocked fails the test unless err is a *care.GuardError from
// guard, and returns it.
func RequireBlocked(tb testing.TB, err error, guard care.Guard) *care.GuardError {
	tb.Helper()
	var ge *care.GuardError
	if !errors.As(err, &ge) || ge.Guard != guard {
		tb.Fatalf("caretest: want a reply blocked by the %s guard, got %v", guard, err)
	}
	return ge
}

// RequireFlag fails the test unless s carries a flag from guard, and
// returns the first.
func RequireFlag(tb testing.TB, s *care.Sent, guard care.Guard) care.Flag {
	tb.Helper()
	for _, f := range s.Flags {
		if f.Guard == guard {
			return f
		}
	}
	tb.Fatalf("caretest: reply has no %s flag (flags: %v)", guard, s.Flags)
	return care.Flag{}
}

// RequireRouted fails the test unless the conversation with key is routed
// to loop, and returns the decision.
func (d *Desk) RequireRouted(tb testing.TB, key, loop string) care.Decision {
	tb.Helper()
	c, err := d.Conversation(context.Background(), key)
	if err != nil {
		tb.Fatalf("caretest: %v", err)
	}
	if c.Routing == nil || c.Routing.Loop.Name != loop {
		got := "nothing"
		if c.Routing != nil {
			got = c.Routing.Explain()
		}
		tb.Fatalf("caretest: %s routed to %s, want loop %q", key, got, loop)
	}
	return *c.Routing
}

// Key returns the conversation key of a conversation on the test desk's
// account: "kind:brand:conversation".
func Key(kind channel.Kind, conversation string) string {
	return string(kind) + ":brand:" + conversation
}

// AdvanceHolding is Advance with agents at work on the held assignments:
// after every step each is marked held (Desk.Hold), so that none is let go
// for idling past the desk's MaxHold.
func (d *Desk) AdvanceHolding(tb testing.TB, dt time.Duration, held ...*care.Assignment) {
	tb.Helper()
	for dt > 0 {
		step := min(dt, time.Minute)
		d.Clock.Advance(step)
		dt -= step
		for _, a := range held {
			if err := d.Hold(a); err != nil {
				tb.Fatalf("caretest: hold %s: %v", a.Conversation.Key, err)
			}
		}
		if err := d.Tick(context.Background()); err != nil {
			tb.Fatalf("caretest: tick at %v: %v", d.Clock.Now(), err)
		}
	}
}
