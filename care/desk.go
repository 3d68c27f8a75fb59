package care

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

// Desk is the care desk. It is safe for concurrent use. It wires its
// parts, each in a file of its own: the conversations (conversations.go,
// over the Store), intake (intake.go), outbound replies and their guards
// (outbound.go), the SLA book (slabook.go), the scheduler (scheduler.go),
// agents and their assignments (agents.go), follow-ups (followups.go) and
// wait times (waits.go).
type Desk struct {
	q           *queue.Queue
	now         func() time.Time
	convs       *conversations
	intake      *intaker
	out         *outbound
	book        *slaBook
	sched       *scheduler
	agents      *agentBook
	listener    *Listener
	macros      *ConsistencyChecker
	customers   func(context.Context, channel.Message) (CustomerFacts, error)
	teams       map[string]bool
	retention   RetentionConfig
	maxText     int
	hold        time.Duration
	holdSLA     bool
	tickEvery   time.Duration
	instance    string         // Config.Instance
	durable     bool           // the Store is Durable: sends are recorded first
	queueTx     QueueCommitter // the Store commits queue items with its saves; nil if not
	sendTimeout time.Duration
	onEvent     func(Event)
	quiet       bool // nobody listens (no Config.OnEvent): events are not even built
	onError     func(error)

	chmu     sync.RWMutex
	channels map[string]*channel.Channel
}

// New returns a desk that works the queue q, on q's clock. cfg may be nil.
// It fails with ErrInvalid when q is nil or a part of the configuration is
// invalid, saying which.
func New(q *queue.Queue, cfg *Config) (*Desk, error) {
	if q == nil {
		return nil, fmt.Errorf("%w: New: the queue is nil; build one with queue.New", ErrInvalid)
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Scorer == nil {
		r, err := priority.New(nil)
		if err != nil {
			return nil, fmt.Errorf("care: New: default scorer: %w", err)
		}
		c.Scorer = r
	}
	if c.Policies == nil {
		c.Policies = sla.DefaultPolicies()
	}
	if c.Bands == nil {
		c.Bands = DefaultBands()
	}
	for i, b := range c.Bands {
		if b.Name == "" || (i > 0 && b.Min >= c.Bands[i-1].Min) {
			return nil, fmt.Errorf("%w: Bands must be named and ordered by Min, highest first (band %d: %+v)", ErrInvalid, i, b)
		}
	}
	router, err := NewRouter(c.Routing)
	if err != nil {
		return nil, err // already says "care: ..."
	}
	det, err := NewDetector(c.PersonalData)
	if err != nil {
		return nil, err
	}
	if c.MacroMinShare == 0 {
		c.MacroMinShare = 0.5
	}
	macros, err := NewConsistencyChecker(c.Macros, c.MacroMinShare)
	if err != nil {
		return nil, err
	}
	lis, err := NewListener(c.Listening)
	if err != nil {
		return nil, err
	}
	if c.Acknowledgement.Delay < 0 {
		return nil, fmt.Errorf("%w: Acknowledgement.Delay must not be negative, got %v", ErrInvalid, c.Acknowledgement.Delay)
	}
	if !c.Acknowledgement.Disabled && c.Acknowledgement.Delay > 0 {
		for _, p := range c.Policies.List() {
			if c.Acknowledgement.Delay >= p.Acknowledge {
				return nil, fmt.Errorf("%w: Acknowledgement.Delay %v is not inside the acknowledgement window of policy %q (%v)", ErrInvalid, c.Acknowledgement.Delay, p.Name, p.Acknowledge)
			}
		}
	}
	if err := c.WaitTime.defaults(); err != nil {
		return nil, err
	}
	if err := c.Retention.defaults(); err != nil {
		return nil, err
	}
	if c.BoomerangHold < 0 || c.TickInterval < 0 || c.MaxHold < 0 || c.MaxMessageBytes < 0 {
		return nil, fmt.Errorf("%w: BoomerangHold, TickInterval, MaxHold and MaxMessageBytes must not be negative", ErrInvalid)
	}
	if c.BoomerangHold == 0 {
		c.BoomerangHold = 30 * time.Minute
	}
	if c.TickInterval == 0 {
		c.TickInterval = min(30*time.Second, q.LeaseTTL()/3)
	}
	if c.TickInterval > q.LeaseTTL()/3 {
		return nil, fmt.Errorf("%w: TickInterval %v must be at most a third of the queue's LeaseTTL (%v): Tick keeps assignments' leases alive", ErrInvalid, c.TickInterval, q.LeaseTTL())
	}
	if c.MaxHold == 0 {
		c.MaxHold = max(30*time.Minute, 2*q.LeaseTTL())
	}
	if c.MaxHold <= q.LeaseTTL() {
		return nil, fmt.Errorf("%w: MaxHold %v must be longer than the queue's LeaseTTL (%v)", ErrInvalid, c.MaxHold, q.LeaseTTL())
	}
	for k, fb := range c.OutsideWindow {
		switch {
		case fb.Tag != "" && fb.Template != nil:
			return nil, fmt.Errorf("%w: OutsideWindow[%s] has both a Tag and a Template; give one", ErrInvalid, k)
		case fb.Tag == "" && fb.Template == nil:
			return nil, fmt.Errorf("%w: OutsideWindow[%s] is empty; give a Tag or a Template", ErrInvalid, k)
		case fb.Template != nil && (fb.Template.Name == "" || fb.Template.Language == ""):
			return nil, fmt.Errorf("%w: OutsideWindow[%s].Template needs a Name and a Language", ErrInvalid, k)
		}
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = 64 << 10
	}
	if c.SendTimeout < 0 {
		return nil, fmt.Errorf("%w: SendTimeout must not be negative, got %v", ErrInvalid, c.SendTimeout)
	}
	if c.SendTimeout == 0 {
		c.SendTimeout = time.Minute
	}
	if c.Instance == "" {
		c.Instance = "desk-" + uuid.NewString()[:8]
	}
	if c.Store == nil {
		c.Store = NewMemStore()
	}
	quiet := c.OnEvent == nil
	if quiet {
		c.OnEvent = func(Event) {}
	}
	if c.OnError == nil {
		c.OnError = func(error) {}
	}
	out, err := newOutbound(&c, det, macros)
	if err != nil {
		return nil, err
	}
	book, err := newSLABook(c.SLAWarnings, c.Retention)
	if err != nil {
		return nil, err
	}
	d := &Desk{
		q: q, now: q.Now, convs: newConversations(c.Store),
		intake: &intaker{scorer: c.Scorer, router: router, detector: det, policies: c.Policies, bands: c.Bands, vips: map[string]bool{}},
		out:    out, book: book, agents: newAgentBook(), listener: lis, macros: macros, customers: c.Customers,
		retention: c.Retention, maxText: c.MaxMessageBytes, hold: c.BoomerangHold, holdSLA: c.SLADuringBoomerang,
		tickEvery: c.TickInterval, onEvent: c.OnEvent, onError: c.OnError, channels: map[string]*channel.Channel{},
		instance: c.Instance, sendTimeout: c.SendTimeout, quiet: quiet,
	}
	if ds, ok := c.Store.(Durable); ok && ds.Durable() {
		d.durable = true
	}
	if qc, ok := c.Store.(QueueCommitter); ok && qc.CommitsQueue() {
		d.queueTx = qc
	}
	d.sched = newScheduler(c.Acknowledgement, c.WaitTime, c.MaxHold)
	d.sched.settleAfter = 2 * c.SendTimeout
	book.leading = &d.sched.leading
	d.teams = map[string]bool{}
	loops := DefaultLoops()
	if c.Routing != nil && c.Routing.Loops != nil {
		loops = c.Routing.Loops
	}
	for _, l := range loops {
		d.teams[l.Name] = true
		if l.Team != "" {
			d.teams[l.Team] = true
		}
		for _, e := range l.Escalation {
			d.teams[e.To] = true
		}
	}
	for _, t := range c.Teams {
		if t == "" {
			return nil, fmt.Errorf("%w: Teams has an empty name", ErrInvalid)
		}
		d.teams[t] = true
	}
	for _, h := range c.VIPs {
		d.intake.vips[normHandle(h)] = true
	}
	return d, nil
}

func channelKey(kind channel.Kind, account string) string { return string(kind) + ":" + account }

// event returns an event of kind about conversation c.
func (d *Desk) event(k EventKind, at time.Time, c *Conversation, detail string) Event {
	e := Event{Kind: k, At: at, Key: c.Key, Channel: string(c.Channel), Team: c.Team, Detail: detail}
	if c.Routing != nil {
		e.Loop = c.Routing.Loop.Name
	}
	return e
}

func (d *Desk) emit(evs ...Event) {
	if d.quiet {
		return
	}
	for _, e := range evs {
		d.onEvent(e)
	}
}

// AddChannel makes the desk accept messages from, and reply through, ch.
// Adding a second channel for the same kind and account is an error.
func (d *Desk) AddChannel(ch *channel.Channel) error {
	if ch == nil {
		return fmt.Errorf("%w: nil channel", ErrInvalid)
	}
	k := channelKey(ch.Kind(), ch.Account())
	d.chmu.Lock()
	defer d.chmu.Unlock()
	if _, ok := d.channels[k]; ok {
		return fmt.Errorf("%w: channel %s added twice", ErrInvalid, k)
	}
	d.channels[k] = ch
	return nil
}

// channel returns the channel for a "kind:account" key.
func (d *Desk) channel(k string) (*channel.Channel, error) {
	d.chmu.RLock()
	defer d.chmu.RUnlock()
	ch, ok := d.channels[k]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownChannel, k)
	}
	return ch, nil
}

// channelKinds returns the kinds of the channels added, deduplicated.
func (d *Desk) channelKinds() map[string]bool {
	d.chmu.RLock()
	defer d.chmu.RUnlock()
	kinds := map[string]bool{}
	for _, ch := range d.channels {
		kinds[string(ch.Kind())] = true
	}
	return kinds
}

func initials(name string) string {
	var b strings.Builder
	for _, f := range strings.Fields(name) {
		r := []rune(f)
		b.WriteString(strings.ToUpper(string(r[0])))
	}
	return b.String()
}

// Router returns the desk's feedback-loop router.
func (d *Desk) Router() *Router { return d.intake.router }

// Macro returns the approved answer for intent, for an agent composing a
// reply.
func (d *Desk) Macro(intent string) (Macro, bool) { return d.macros.Macro(intent) }

// Detector returns the desk's personal-data detector.
func (d *Desk) Detector() *Detector { return d.intake.detector }

// Attainment summarises the SLA attainment of the measurements kept
// (Config.Retention.Measurements) that keep accepts (nil keeps all). The
// measurements are those of the conversations' SLA clocks, in their
// policies' business time: acknowledge, first and next response when a
// reply meets them, resolve at Resolve, and every target still running
// past its time when a conversation is resolved. Channel and Agent (the
// replying or resolving agent, "" for the desk's automatic
// acknowledgement) are set for filters.
func (d *Desk) Attainment(keep func(sla.Measurement) bool) []sla.Summary {
	return d.book.summarize(keep, d.now())
}
