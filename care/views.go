package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

// The read side of the desk, for a host's screens (package console): each
// view is computed from the state's owners at the moment of the call (the
// queue's items and agents, the Store's conversations, the SLA book's
// clocks), never from a copy kept beside them.

// SLAStatus is where a conversation stands against its SLA at one instant:
// the running target whose deadline comes first.
type SLAStatus struct {
	// Target is the running target with the nearest deadline; "" when none
	// runs (resolved, or every target met).
	Target sla.Target
	// Due is its deadline.
	Due time.Time
	// Allowed is the target's time, and Left the business time left to it
	// (negative once breached), both on the policy's calendar.
	Allowed, Left time.Duration
	// Paused reports a clock paused by a Boomerang: Due moves when it
	// resumes, and Left is the time left at the pause.
	Paused bool
	// At is the instant the status was taken at.
	At time.Time
}

// Passed returns the share of the target's business time that has passed
// (above 1 once breached); 0 when no target runs.
func (s SLAStatus) Passed() float64 {
	if s.Target == "" || s.Allowed <= 0 {
		return 0
	}
	return 1 - float64(s.Left)/float64(s.Allowed)
}

// Breached reports that the running target's deadline has passed unmet.
func (s SLAStatus) Breached() bool { return s.Target != "" && s.Left < 0 }

// slaStatus reads c's SLA clock, as the SLA book has it, at now.
func (d *Desk) slaStatus(c *Conversation, now time.Time) SLAStatus {
	st := SLAStatus{At: now}
	if !c.Open() {
		return st
	}
	d.book.mu.Lock()
	defer d.book.mu.Unlock()
	ck := d.book.clockOf(c)
	if ck == nil {
		return st
	}
	st.Paused = ck.clock.Paused()
	for _, tg := range []sla.Target{sla.TargetAcknowledge, sla.TargetFirstResponse, sla.TargetNextResponse, sla.TargetUpdate, sla.TargetResolve} {
		due, running := ck.clock.Due(tg)
		if !running || (st.Target != "" && !due.Before(st.Due)) {
			continue
		}
		left, _ := ck.clock.Left(tg, now)
		st.Target, st.Due, st.Left, st.Allowed = tg, due, left, c.Policy.Allowed(tg)
	}
	return st
}

// SLA returns the open conversation's SLA status now, or an error wrapping
// ErrUnknownConversation.
func (d *Desk) SLA(ctx context.Context, key string) (SLAStatus, error) {
	c, err := d.convs.store.Conversation(ctx, key)
	if err != nil {
		return SLAStatus{}, fmt.Errorf("care: sla of %s: %w", key, err)
	}
	return d.slaStatus(&c, d.now()), nil
}

// WaitingOptions ask Waiting for one page of waiting conversations; they
// are queue.ListOptions (the zero value: the first 50 in claim order).
type WaitingOptions = queue.ListOptions

// WaitingConversation is one waiting conversation: its queue item, the
// conversation as the Store has it, and its SLA status.
type WaitingConversation struct {
	// Item is the queue's item (score, deadline, team, channel, waiting
	// since).
	Item queue.Item
	// Conversation is the Store's conversation; its Key is "" when the
	// Store has none (an intake whose save failed; the redelivery fixes
	// it, and Next skips it meanwhile).
	Conversation Conversation
	// SLA is the conversation's SLA status at the page's instant.
	SLA SLAStatus
}

// WaitingPage is one page of waiting conversations.
type WaitingPage struct {
	// Conversations are the page's, in the order asked for.
	Conversations []WaitingConversation
	// Next continues the listing (WaitingOptions.Cursor); "" on the last
	// page.
	Next string
	// Total counts the waiting conversations that match the filters.
	Total int
	// At is the desk clock's instant of the page.
	At time.Time
}

// Waiting returns one page of the conversations waiting in the queue (see
// queue.Queue.List for the order, filters and cursor), each with its
// conversation from the Store and its SLA status from the SLA book. It
// costs the queue's List plus one Store read per conversation of the
// page. It fails as queue.Queue.List does (ErrInvalid wrapped for bad
// options, errors.ErrUnsupported for a store that cannot list).
func (d *Desk) Waiting(ctx context.Context, o WaitingOptions) (*WaitingPage, error) {
	p, err := d.q.List(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("care: waiting: %w", err)
	}
	out := &WaitingPage{Next: p.Next, Total: p.Total, At: p.At, Conversations: make([]WaitingConversation, len(p.Items))}
	for i, it := range p.Items {
		w := &out.Conversations[i]
		w.Item = it
		c, err := d.convs.get(ctx, it.Key)
		if err != nil {
			return nil, fmt.Errorf("care: waiting: %w", err)
		}
		if c != nil {
			w.Conversation = *c
			w.SLA = d.slaStatus(c, p.At)
		}
	}
	return out, nil
}

// AgentStatus is an agent as the desk and its queue know them now.
type AgentStatus struct {
	Agent
	// Online reports the agent's availability (SetAvailable).
	Online bool
	// Holding counts the conversations the agent holds under a live lease
	// (the queue's count).
	Holding int
}

// Load returns Holding over Capacity; 0 for an agent without a limit.
func (a AgentStatus) Load() float64 {
	if a.Capacity <= 0 {
		return 0
	}
	return float64(a.Holding) / float64(a.Capacity)
}

// Agents returns the agents the desk knows, by ID, with their availability
// and the conversations they hold.
func (d *Desk) Agents(ctx context.Context) ([]AgentStatus, error) {
	st, err := d.q.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("care: agents: %w", err)
	}
	d.agents.mu.Lock()
	out := make([]AgentStatus, 0, len(d.agents.agents))
	for _, a := range d.agents.agents {
		out = append(out, AgentStatus{Agent: a.Agent, Online: a.online, Holding: st.ClaimsByAgent[a.ID]})
	}
	d.agents.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Agent returns the agent with id as the desk knows it, or an error
// wrapping ErrUnknownAgent.
func (d *Desk) Agent(id string) (Agent, error) {
	a, ok := d.agents.get(id)
	if !ok {
		return Agent{}, fmt.Errorf("care: %w: %q", ErrUnknownAgent, id)
	}
	return a.Agent, nil
}

// Teams returns the teams a conversation can be routed or handed off to
// (the feedback loops, their escalations and Config.Teams), sorted.
func (d *Desk) Teams() []string {
	out := make([]string, 0, len(d.teams))
	for t := range d.teams {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Channels returns the kinds of the channels added with AddChannel,
// sorted.
func (d *Desk) Channels() []string {
	var out []string
	for k := range d.channelKinds() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Escalated returns the open conversations that a feedback loop's
// deadline escalated in their current cycle, most escalated first. It
// reads every open conversation from the Store (Store.OpenConversations).
func (d *Desk) Escalated(ctx context.Context) ([]Conversation, error) {
	cs, err := d.convs.store.OpenConversations(ctx)
	if err != nil {
		return nil, fmt.Errorf("care: escalated: %w", err)
	}
	out := slices.DeleteFunc(cs, func(c Conversation) bool { return c.Escalations == 0 || c.LinkedTo != "" })
	sort.SliceStable(out, func(i, j int) bool { return out[i].Escalations > out[j].Escalations })
	return out, nil
}

// Preview is what the guards would say of a reply, before it is sent.
type Preview struct {
	// Text is the answer as it would go out, signed.
	Text string
	// Visibility is where it would go (public, or private after a move).
	Visibility channel.Visibility
	// PII is the personal data found in the reply's text.
	PII []PII
	// MovedPrivate reports that the reply would go private, and Why says
	// why (personal data in the reply or in the customer's public post).
	MovedPrivate bool
	Why          string
	// DeleteRequest reports that the customer would be asked privately to
	// delete a public post with personal data; PublicNote that a short
	// public note would say the answer went private.
	DeleteRequest, PublicNote bool
	// Flags are the tone and consistency guards' findings (the reply
	// would still go, flagged).
	Flags []Flag
	// Intent is the approved answer the reply would be checked against.
	Intent string
	// Signed reports that the text carries a signature (the agent's own or
	// the desk's).
	Signed bool
	// Blocked is the guard's refusal (a *GuardError) when the reply
	// would not be sent at all; nil otherwise.
	Blocked error
	// Window is the channel's refusal of the answer (its messaging window
	// closed, a length or visibility it cannot send; see
	// channel.Channel.Validate): nil when the channel would take it. A
	// Config.OutsideWindow fallback may still send it with a tag or a
	// template.
	Window error
}

// Preview runs the reply guards on text as ReplyWith would for the
// assignment, without sending or changing anything: personal data, tone,
// consistency, the signature, the move to private and the channel's
// messaging window. The collision guard is not run (it depends on the
// moment of the send). It fails only when the assignment has ended, the
// conversation cannot be read or the text is empty.
func (d *Desk) Preview(ctx context.Context, a *Assignment, text string) (*Preview, error) {
	if err := a.live(); err != nil {
		return nil, fmt.Errorf("care: preview: %w", err)
	}
	if text == "" {
		return nil, fmt.Errorf("%w: empty reply", ErrInvalid)
	}
	c, err := d.convs.get(ctx, a.Conversation.Key)
	if err != nil {
		return nil, fmt.Errorf("care: preview: %w", err)
	}
	if c == nil || len(c.Messages) == 0 {
		return nil, fmt.Errorf("care: preview: %w: %s", ErrUnknownConversation, a.Conversation.Key)
	}
	last := c.Last()
	ch, err := d.channel(channelKey(last.Channel, last.Account))
	if err != nil {
		return nil, fmt.Errorf("care: preview: %w", err)
	}
	pv := &Preview{PII: d.intake.detector.Find(text)}
	plan, s, why, err := d.out.plan(c, ch.Capabilities(), a.Agent, text, "")
	if err != nil {
		var ge *GuardError
		if !errors.As(err, &ge) {
			return nil, fmt.Errorf("care: preview: %w", err)
		}
		pv.Blocked = err
		return pv, nil
	}
	out := plan[0].out
	pv.Text, pv.Visibility, pv.MovedPrivate, pv.Why, pv.Flags, pv.Intent = out.Text, out.Visibility, s.MovedPrivate, why, s.Flags, s.Intent
	_, pv.Signed = ParseSignature(out.Text)
	for _, p := range plan[1:] {
		switch p.kind {
		case 1:
			pv.PublicNote = true
		case 2:
			pv.DeleteRequest = true
		}
	}
	if plan[0].what != "" {
		pv.DeleteRequest = true
	}
	pv.Window = ch.Validate(&out)
	return pv, nil
}

// Now returns the time on the desk's clock (its queue's, queue.Config.Now),
// for a screen that counts down to deadlines on the desk's time.
func (d *Desk) Now() time.Time { return d.now() }

// Depth returns the queue's depth now (waiting conversations by channel and
// team, the oldest, the live claims per agent), as queue.Queue.Stats does.
func (d *Desk) Depth(ctx context.Context) (queue.Stats, error) {
	st, err := d.q.Stats(ctx)
	if err != nil {
		return queue.Stats{}, fmt.Errorf("care: depth: %w", err)
	}
	return st, nil
}
