package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

// intaker decides what a message does to its conversation. Its decision is
// a pure function of the time, the message, the conversation before it and
// the customer's facts: take computes it, Ingest commits it.
type intaker struct {
	scorer   priority.Scorer
	router   *Router
	detector *Detector
	policies *sla.Policies
	bands    []Band
	vips     map[string]bool
}

// taken is an intake decision: the conversation after the message, what
// Ingest reports, the queue entry, and the conversation's SLA clock.
type taken struct {
	conv   *Conversation
	in     Intake
	entry  queue.Entry
	clock  *slaClock
	fresh  bool // the clock starts afresh: a new cycle or a new policy
	routed bool
	inform []Notice // loops to tell now
	topics []string // the message's own topics, for spikes
}

func normHandle(h string) string { return strings.ToLower(strings.TrimPrefix(h, "@")) }

// band returns the name of the band of score v.
func (k *intaker) band(v float64) string {
	for _, b := range k.bands {
		if v >= b.Min {
			return b.Name
		}
	}
	return ""
}

// tier returns the customer tier policies match on: the host's, or "vip"
// for a VIP without one.
func tier(f CustomerFacts) string {
	if f.Tier == "" && f.VIP {
		return "vip"
	}
	return f.Tier
}

// take applies message m, received at or before now, to prev (nil for a
// conversation the store does not hold) and returns the decision. It
// neither reads nor writes any state but prev: it changes prev (a copy the
// caller owns) into the conversation after the message, which the
// decision holds.
func (k *intaker) take(now time.Time, m channel.Message, key string, prev *Conversation, facts CustomerFacts) taken {
	c := prev // changed in place: the caller's own copy
	if c == nil {
		c = &Conversation{Key: key, Channel: m.Channel, Account: m.Account}
	}
	newCycle := !c.Open()
	if newCycle {
		facts.VIP = facts.VIP || k.vips[normHandle(m.Author.Handle)]
	} else {
		facts = c.Customer
	}
	unanswered := 1
	if !newCycle {
		unanswered = c.Unanswered + 1
	}
	// One detection of the care situations feeds both decisions.
	found := k.router.Situations(m)
	score := k.scorer.Score(now, &priority.Input{
		Text: m.Text, Channel: string(m.Channel), ReceivedAt: m.ReceivedAt, Unanswered: unanswered, Situations: &found,
		Author: priority.Author{Handle: m.Author.Handle, Followers: m.Author.Followers, Verified: m.Author.Verified,
			VIP: facts.VIP, Tier: facts.Tier, LifetimeValue: facts.LifetimeValue},
	})
	dec := k.router.RouteSituations(m, score.Value, &found)
	var pii []PII
	if m.Visibility.IsPublic() {
		pii = k.detector.Find(m.Text)
	}
	t := taken{fresh: newCycle}
	prevPolicy := c.Policy
	if newCycle {
		c.Cycle++
		c.CycleStart = len(c.Transcript)
		c.SLAPauses = nil
		c.Since, c.ResolvedAt = m.ReceivedAt, time.Time{}
		c.Customer = facts
		c.Score = score
		c.Escalations, c.EscalatedTo, c.FirstResponded, c.Unanswered = 0, "", false, 0
		c.AcknowledgedAt, c.AutoAcknowledged, c.Handoff, c.Informed = time.Time{}, false, nil, nil
		t.routed = true
	} else {
		if score.Value > c.Score.Value {
			c.Score = score
		}
		t.routed = dec.Route != "" && (c.Routing == nil || c.Routing.Route == "")
	}
	c.Band = k.band(c.Score.Value)
	if t.routed {
		c.Routing = &dec
		c.Team = dec.Loop.Team
		p := k.policies.MatchInput(sla.MatchInput{Channel: string(m.Channel), Band: c.Band, Tier: tier(facts), Team: c.Team})
		name := p.Name
		if dec.Loop.Acknowledge > 0 {
			p.Acknowledge = dec.Loop.Acknowledge
		}
		if dec.Loop.Resolve > 0 {
			p.Resolve = dec.Loop.Resolve
		}
		if p.Acknowledge > p.Resolve {
			p.Acknowledge = p.Resolve
		}
		if dec.Loop.Acknowledge > 0 || dec.Loop.Resolve > 0 {
			p.Name = name + "/" + dec.Loop.Name
		}
		c.Policy = p
		t.fresh = t.fresh || !samePolicy(prevPolicy, p)
	}
	for _, n := range dec.Inform { // told once per loop and cycle; never answers the customer
		if n.Loop.Name != c.Team && !slices.Contains(c.Informed, n.Loop.Name) {
			c.Informed = append(c.Informed, n.Loop.Name)
			t.inform = append(t.inform, n)
		}
	}
	c.Messages = append(c.Messages, m)
	turn := Turn{Role: Customer, ID: m.ID, Text: m.Text, Visibility: m.Visibility, Channel: m.Channel, At: m.ReceivedAt}
	if n := len(c.SLAPauses); !newCycle && n > 0 && c.SLAPauses[n-1].To.IsZero() {
		at := turn.At // the customer wrote: the clock resumes
		if at.Before(c.SLAPauses[n-1].From) {
			at = c.SLAPauses[n-1].From
		}
		closePause(c, at, len(c.Transcript))
	}
	c.Transcript = append(c.Transcript, turn)
	c.Unanswered = unanswered
	c.PublicPII = append(c.PublicPII, pii...)
	t.clock = newSLAClock(c)
	t.conv = c
	t.entry = queue.Entry{Key: key, Channel: string(m.Channel), Team: c.Team, Language: m.Language,
		Score: c.Score.Value, Deadline: t.clock.nearest(), Unanswered: c.Unanswered}
	routing := c.Routing
	if !t.routed {
		routing = cloneDecision(routing) // prev's, which a store may share with its own copy
	}
	t.in = Intake{Key: key, Score: score, Deadlines: t.clock.deadlines(), Routing: *routing, PII: pii}
	t.topics = dec.Topics
	return t
}

// Dedup returns the desk's record of the messages it has taken, as a
// channel.DedupStore for a Receiver (ReceiverConfig.Dedup), so that the
// receiver and the desk share one dedup, keyed by channel.DedupKey: the
// receiver skips a redelivery of a message the desk has taken, and the
// desk marks a message taken only once it has saved and queued it (the
// Store's record, with its retention). Its Claim only reads; its Release
// does nothing.
func (d *Desk) Dedup() channel.DedupStore { return deskDedup{d} }

type deskDedup struct{ d *Desk }

// Claim reports whether the desk has not taken the message key yet.
func (x deskDedup) Claim(ctx context.Context, key string, now, _ time.Time) (bool, error) {
	seen, err := x.d.convs.store.Seen(ctx, key, now)
	return !seen, err
}

// Release does nothing: the desk never marked the message.
func (deskDedup) Release(context.Context, string) error { return nil }

// Sink returns d.Ingest as a channel.Sink, discarding the Intake.
func (d *Desk) Sink() channel.Sink {
	return func(ctx context.Context, m channel.Message) error {
		_, err := d.Ingest(ctx, m)
		return err
	}
}

// Ingest takes one customer message, whole or not at all: it scores it,
// routes its conversation to a feedback loop, gives a new cycle its SLA
// policy (matched on channel, band, tier and team), notes personal data
// posted in public, enqueues the conversation with the loop's team, and
// saves the conversation together with the message's dedup key (channel,
// account and id). Only then is the message taken: when the queue or the
// Store fails, Ingest returns the error and a redelivery of the message is
// taken afresh; a message already taken is reported as a Duplicate and
// changes nothing.
//
// The queue item's deadline and rank come from the conversation's SLA
// clock, which pauses exclude. If the SLA tracker refuses the clock's
// timers, Ingest returns the Intake with the error: the message was taken.
func (d *Desk) Ingest(ctx context.Context, m channel.Message) (*Intake, error) {
	if m.ID == "" || m.Channel == "" || m.ConversationID == "" {
		return nil, fmt.Errorf("%w: message needs ID, Channel and ConversationID (got %q, %q, %q)", ErrInvalid, m.ID, m.Channel, m.ConversationID)
	}
	if len(m.Text) > d.maxText {
		return nil, fmt.Errorf("%w: message %s has %d bytes of text, more than Config.MaxMessageBytes (%d)", ErrTooLarge, m.ID, len(m.Text), d.maxText)
	}
	now := d.now()
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = now
	}
	if !sla.InRange(m.ReceivedAt) {
		return nil, fmt.Errorf("%w: message %s is dated %v, outside the years an SLA calendar can compute (1678–2262); fix its ReceivedAt", ErrInvalid, m.ID, m.ReceivedAt)
	}
	ck := channelKey(m.Channel, m.Account)
	if _, err := d.channel(ck); err != nil {
		return nil, fmt.Errorf("%w (message %s; add the channel with AddChannel, and set the message's Account)", err, m.ID)
	}
	dk := channel.DedupKey(&m)
	key := ck + ":" + m.ConversationID
	lk := d.lockConv(key)
	defer lk.release()
	loaded, err := d.convs.get(ctx, key)
	if err == nil && loaded != nil && loaded.LinkedTo != "" { // an alias: the message joins another conversation
		lk.mu.Unlock()
		key = loaded.LinkedTo
		lk.mu = d.convs.lock(key)
		loaded, err = d.convs.get(ctx, key)
	}
	if err != nil {
		return nil, fmt.Errorf("care: ingest %s: %w", m.ID, err)
	}
	// A store that commits the queue item with the conversation checks the
	// dedup key in that transaction: a duplicate rolls all of it back.
	// Otherwise the queue is written first, so a duplicate must be caught
	// before.
	if d.queueTx == nil {
		if seen, err := d.convs.store.Seen(ctx, dk, now); err != nil {
			return nil, fmt.Errorf("care: ingest %s: %w", m.ID, err)
		} else if seen {
			return d.duplicate(ctx, key)
		}
	}
	var facts CustomerFacts
	if d.customers != nil {
		f, err := d.customers(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("care: ingest %s: customer facts: %w", m.ID, err)
		}
		facts = f
	}
	var t taken
	for attempt := 0; ; attempt++ {
		prev := loaded
		if attempt > 0 {
			if prev, err = d.convs.get(ctx, key); err != nil {
				return nil, fmt.Errorf("care: ingest %s: %w", m.ID, err)
			}
		}
		t = d.intake.take(now, m, key, prev, facts)
		if err = d.commitIntake(ctx, &t, dk, now); err == nil {
			break
		}
		if errors.Is(err, errQueue) {
			return nil, fmt.Errorf("care: ingest %s: %w", m.ID, err)
		}
		switch {
		case errors.Is(err, ErrDuplicate): // another desk took it meanwhile
			return d.duplicate(ctx, key)
		case errors.Is(err, ErrConflict) && attempt < 8:
			continue // another desk changed the conversation: apply the message to its version
		}
		d.book.forget(key)
		return nil, fmt.Errorf("care: ingest %s: store: %w", m.ID, err)
	}
	var clockErr error
	if t.fresh {
		clockErr = d.book.reset(t.conv, t.clock)
	} else {
		clockErr = d.book.saved(t.conv, t.clock, nil, now)
	}
	d.sched.arm(t.conv, t.clock)
	var evs []Event
	if !d.quiet {
		evs = d.intakeEvents(now, m, &t)
	}
	for _, tp := range t.topics {
		if sp, ok := d.listener.Count(tp, m.ReceivedAt); ok && !d.quiet {
			evs = append(evs, Event{Kind: Spike, At: now, Detail: fmt.Sprintf("%s: %d messages in %v (baseline %.1f)", sp.Topic, sp.Count, sp.Window, sp.Baseline), Spike: &sp})
		}
	}
	lk.emit(evs...)
	in := t.in
	if clockErr != nil {
		return &in, fmt.Errorf("care: ingest %s: taken, but %w", m.ID, clockErr)
	}
	return &in, nil
}

// intakeEvents returns the events of intake t: Arrived, then Routed and
// Informed as they apply.
func (d *Desk) intakeEvents(now time.Time, m channel.Message, t *taken) []Event {
	evs := []Event{d.event(Arrived, now, t.conv, m.ID)}
	if t.routed {
		r := d.event(Routed, now, t.conv, t.in.Routing.Explain())
		evs = append(evs, r)
	}
	for _, n := range t.inform {
		e := d.event(Informed, now, t.conv, "")
		e.Loop, e.Team = n.Loop.Name, n.Loop.Team
		if e.Team == "" {
			e.Team = n.Loop.Name
		}
		resolve := n.Loop.Resolve
		if resolve == 0 {
			resolve = t.conv.Policy.Resolve
		}
		e.Detail = fmt.Sprintf("%s informed (rule %q: %s); %s answers the customer; act by %s",
			n.Loop.Name, n.Route, strings.Join(n.Reasons, ", "), t.conv.Team, m.ReceivedAt.Add(resolve).Format(time.RFC3339))
		evs = append(evs, e)
	}
	return evs
}

// duplicate reports a message already taken.
func (d *Desk) duplicate(ctx context.Context, key string) (*Intake, error) {
	in := &Intake{Key: key, Duplicate: true}
	c, err := d.convs.get(ctx, key)
	if err != nil || c == nil {
		return in, err
	}
	in.Score = c.Score
	in.Score.Reasons = slices.Clone(c.Score.Reasons)
	if c.Routing != nil {
		in.Routing = *cloneDecision(c.Routing)
	}
	in.Deadlines = d.deadlines(c)
	return in, nil
}

// errQueue marks a failure of the queue in commitIntake.
var errQueue = errors.New("the queue failed")

// commitIntake enqueues t's entry and saves its conversation with the dedup
// key dk: in one transaction when the Store can (QueueCommitter), else
// enqueue first, then save. A queue failure wraps errQueue.
func (d *Desk) commitIntake(ctx context.Context, t *taken, dk string, now time.Time) error {
	seen := []SeenKey{{Key: dk, Expires: now.Add(d.retention.Dedup)}}
	if d.queueTx != nil {
		p, err := d.q.UpsertParams(t.entry)
		if err != nil {
			return fmt.Errorf("%w: %w", errQueue, err)
		}
		if err := d.queueTx.SaveConversationQueued(ctx, t.conv, seen, now, p); err != nil {
			return err
		}
		d.q.Wake()
		return nil
	}
	if _, err := d.q.Enqueue(ctx, t.entry); err != nil {
		return fmt.Errorf("%w: %w", errQueue, err)
	}
	return d.convs.save(ctx, t.conv, seen, now)
}
