package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/queue"
)

// WaitConfig configures the published expected wait time. The zero value
// gives the defaults and publishes to nobody but Config.OnEvent.
type WaitConfig struct {
	// Every is how often Tick publishes the estimates. Defaults to 5
	// minutes (KLM's refresh).
	Every time.Duration
	// Window is how far back the desk's service rate (resolutions per
	// hour, per channel) is measured. Defaults to 1 hour.
	Window time.Duration
	// HandleTime is the assumed time per conversation while the desk has
	// no service history on a channel. Defaults to 6 minutes.
	HandleTime time.Duration
	// Publish receives the estimates; it is called by Tick outside the
	// desk's locks. Defaults to nil: estimates only go to OnEvent.
	Publish func([]WaitEstimate)
}

func (w *WaitConfig) defaults() error {
	if w.Every < 0 || w.Window < 0 || w.HandleTime < 0 {
		return fmt.Errorf("%w: WaitTime durations must not be negative", ErrInvalid)
	}
	if w.Every == 0 {
		w.Every = 5 * time.Minute
	}
	if w.Window == 0 {
		w.Window = time.Hour
	}
	if w.HandleTime == 0 {
		w.HandleTime = 6 * time.Minute
	}
	return nil
}

// WaitEstimate is the expected wait for a new conversation on a channel.
type WaitEstimate struct {
	// Channel is the channel kind.
	Channel string
	// Waiting is the number of claimable conversations on it.
	Waiting int
	// PerHour is the desk's recent service rate on it (resolutions per
	// hour over WaitConfig.Window); 0 without history.
	PerHour float64
	// Agents is the number of human agents the desk knows.
	Agents int
	// Wait is the estimate.
	Wait time.Duration
	// Source says how Wait was computed: "queue" (queue.ExpectedWait, from
	// the queue's recent claims on the channel), "desk" ((Waiting+1) /
	// PerHour, from the desk's resolutions over WaitConfig.Window, when the
	// queue has no recent claims to go by) or "assumed" (HandleTime ·
	// (Waiting+1) / Agents, without any history).
	Source string
	// At is when it was computed.
	At time.Time
}

// String formats the estimate as "x: about 12m (3 waiting)".
func (w WaitEstimate) String() string {
	return fmt.Sprintf("%s: about %v (%d waiting)", w.Channel, w.Wait.Round(time.Minute), w.Waiting)
}

// WaitTimes computes the expected wait per channel now: the queue's
// ExpectedWait where the queue has recent claims on the channel, else from
// the queue's depth and the desk's own recent service rate, else from
// WaitConfig.HandleTime (see WaitEstimate.Source). Channels are those added
// with AddChannel, in name order.
func (d *Desk) WaitTimes(ctx context.Context) ([]WaitEstimate, error) {
	st, err := d.q.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("care: wait times: %w", err)
	}
	now := d.now()
	d.mu.Lock()
	kinds := map[string]bool{}
	for _, ch := range d.channels {
		kinds[string(ch.Kind())] = true
	}
	agents := 0
	for _, a := range d.agents {
		if !a.Bot {
			agents++
		}
	}
	rate := map[string]int{}
	keep := d.resolved[:0]
	for _, s := range d.resolved {
		if now.Sub(s.at) <= d.wait.Window {
			rate[s.channel]++
			keep = append(keep, s)
		}
	}
	d.resolved = keep
	d.mu.Unlock()
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]WaitEstimate, 0, len(names))
	for _, k := range names {
		w := WaitEstimate{Channel: k, Waiting: st.WaitingByChannel[k], Agents: agents, At: now}
		w.PerHour = float64(rate[k]) / d.wait.Window.Hours()
		qw, err := d.q.ExpectedWait(ctx, queue.Filter{Channels: []string{k}})
		switch {
		case err == nil:
			w.Wait, w.Source = qw, "queue"
		case !errors.Is(err, queue.ErrNoEstimate):
			return nil, fmt.Errorf("care: wait times: %w", err)
		case w.PerHour > 0:
			w.Wait, w.Source = time.Duration(float64(w.Waiting+1)/w.PerHour*float64(time.Hour)), "desk"
		default:
			w.Wait, w.Source = d.wait.HandleTime*time.Duration(w.Waiting+1)/time.Duration(max(agents, 1)), "assumed"
		}
		out = append(out, w)
	}
	return out, nil
}

// Tick does the desk's timed work at the desk clock's now, and returns the
// errors it met, joined (it keeps going after one):
//
//   - the automatic acknowledgement of each open conversation that no
//     agent holds or has answered, once AckConfig.Delay has passed (never
//     twice: the store marks it first; never on ad comments unless
//     AckConfig.AdComments);
//   - an SLAWarning or SLABreach event for each warning and breach of an
//     open conversation's SLA targets that came due (after the
//     acknowledgements, so that one sent in this Tick stops its timer
//     first), each once per target cycle;
//   - escalation of conversations whose loop's resolution deadline has
//     passed, one step of the chain at a time, moving a waiting
//     conversation to the step's team;
//   - scheduled proactive messages that are due, through the reply guards;
//   - a FollowUpDue event for each Boomerang that came due;
//   - the expected wait times, every WaitConfig.Every.
//
// Call it from a timer (Run does) or from a test with a virtual clock.
func (d *Desk) Tick(ctx context.Context) error {
	var errs []error
	errs = append(errs, d.acknowledge(ctx))
	d.slaAlerts()
	errs = append(errs, d.escalate(ctx), d.followUps(ctx), d.publishWaits(ctx))
	return errors.Join(errs...)
}

// Run calls Tick every Config.TickInterval of real time until ctx ends,
// handing Tick's errors to Config.OnError. It returns ctx's cause.
func (d *Desk) Run(ctx context.Context) error {
	t := time.NewTicker(d.tick)
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

func (d *Desk) ackDelay(c *Conversation) time.Duration {
	if d.ack.Delay > 0 {
		return d.ack.Delay
	}
	return min(c.Policy.Acknowledge/2, 15*time.Minute)
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
		if v, ok := d.ack.Templates[k]; ok {
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

func (d *Desk) acknowledge(ctx context.Context) error {
	if d.ack.Disabled {
		return nil
	}
	now := d.now()
	type due struct {
		key, text string
	}
	var list []due
	d.mu.Lock()
	for _, c := range d.convs {
		if c.Since.IsZero() || !c.AcknowledgedAt.IsZero() || now.Before(c.Since.Add(d.ackDelay(c))) {
			continue
		}
		last := c.Last()
		if last.Visibility == channel.AdComment && !d.ack.AdComments {
			continue
		}
		name := last.Author.Name
		if name == "" {
			name = last.Author.Handle
		}
		list = append(list, due{c.Key, d.AckText(c.Channel, last.Language, name)})
	}
	d.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].key < list[j].key })
	var errs []error
	for _, x := range list {
		it, err := d.q.Get(ctx, x.key)
		if errors.Is(err, queue.ErrNotFound) {
			continue // being ingested right now
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", x.key, err))
			continue
		}
		if it.State == queue.Claimed && now.Before(it.LeaseExpiresAt) {
			continue // an agent has it
		}
		first, err := d.store.MarkAcknowledged(ctx, x.key, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", x.key, err))
			continue
		}
		if !first {
			continue
		}
		if _, err := d.deliver(ctx, x.key, Agent{}, x.text, ""); err != nil {
			errs = append(errs, fmt.Errorf("care: acknowledge %s: %w", x.key, err))
			d.emit(Event{Kind: Blocked, At: now, Key: x.key, Auto: true, Detail: "acknowledgement not sent: " + err.Error()})
		}
	}
	return errors.Join(errs...)
}

func (d *Desk) ensureDeskAgent(ctx context.Context) error {
	d.mu.Lock()
	ok := d.deskAgentOK
	d.mu.Unlock()
	if ok {
		return nil
	}
	if err := d.q.SetAgent(ctx, queue.Agent{ID: d.deskAgent}); err != nil {
		return err
	}
	d.mu.Lock()
	d.deskAgentOK = true
	d.mu.Unlock()
	return nil
}

func (d *Desk) escalate(ctx context.Context) error {
	now := d.now()
	type step struct {
		key, loop, to, channel string
		level                  int
	}
	var steps []step
	d.mu.Lock()
	for _, c := range d.convs {
		if c.Since.IsZero() || c.Routing == nil {
			continue
		}
		chain := c.Routing.Loop.Escalation
		if c.Escalations >= len(chain) {
			continue
		}
		e := chain[c.Escalations]
		if now.Before(c.Deadlines.ResolveBy.Add(e.After)) {
			continue
		}
		c.Escalations++
		c.EscalatedTo = e.To
		steps = append(steps, step{key: c.Key, loop: c.Routing.Loop.Name, to: e.To, channel: string(c.Channel), level: c.Escalations})
	}
	d.mu.Unlock()
	sort.Slice(steps, func(i, j int) bool { return steps[i].key < steps[j].key })
	var errs []error
	for _, s := range steps {
		ev := Event{Kind: Escalated, At: now, Key: s.key, Channel: s.channel, Loop: s.loop,
			Detail: fmt.Sprintf("%s deadline passed: step %d, %s told", s.loop, s.level, s.to)}
		it, err := d.q.Get(ctx, s.key)
		if errors.Is(err, queue.ErrNotFound) {
			d.emit(ev) // not enqueued yet: tell, move nothing
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("care: escalate %s: %w", s.key, err))
			continue
		}
		if it.Claimable(now) && it.State != queue.Snoozed {
			if err := d.moveTeam(ctx, s.key, s.to); err != nil {
				errs = append(errs, fmt.Errorf("care: escalate %s: %w", s.key, err))
			} else {
				ev.Team = s.to
				ev.Detail += ", moved to team " + s.to
			}
		} else if it.State == queue.Claimed {
			ev.Agent = it.Holder
			ev.Detail += ", held by " + it.Holder
		}
		d.mu.Lock()
		if c := d.convs[s.key]; c != nil {
			if ev.Team != "" {
				c.Team = ev.Team
			}
			snap := c.clone()
			d.mu.Unlock()
			if err := d.store.PutConversation(ctx, snap); err != nil {
				errs = append(errs, fmt.Errorf("care: escalate %s: store: %w", s.key, err))
			}
		} else {
			d.mu.Unlock()
		}
		d.emit(ev)
	}
	return errors.Join(errs...)
}

// moveTeam moves a waiting item to team, through the desk's own queue
// agent.
func (d *Desk) moveTeam(ctx context.Context, key, team string) error {
	if err := d.ensureDeskAgent(ctx); err != nil {
		return err
	}
	l, err := d.q.Steal(ctx, key, d.deskAgent, "escalation")
	if err != nil {
		return err
	}
	return l.TransferToTeam(ctx, team)
}

// Handoff hands the conversation to a human team in one call: the lease
// passes to the team's queue, the transcript goes with it (the humans'
// Assignment.Conversation.Handoff), and, when a.Agent is a bot, the bot can
// no longer send in this conversation until it is resolved.
func (d *Desk) Handoff(ctx context.Context, a *Assignment, team, note string) (*HandoffRecord, error) {
	if a == nil || a.lease == nil {
		return nil, fmt.Errorf("%w: nil assignment", ErrInvalid)
	}
	if team == "" {
		return nil, fmt.Errorf("%w: handoff of %s to an empty team", ErrInvalid, a.Conversation.Key)
	}
	key := a.Conversation.Key
	now := d.now()
	d.mu.Lock()
	c, ok := d.convs[key]
	if !ok {
		d.mu.Unlock()
		return nil, fmt.Errorf("%w: %s", ErrUnknownConversation, key)
	}
	h := &HandoffRecord{From: a.Agent.ID, Team: team, Note: note, At: now, Transcript: slices.Clone(c.Transcript)}
	d.mu.Unlock()
	// Lock the bot out before the lease moves, so it cannot slip a reply
	// in between.
	d.mu.Lock()
	prevHandoff, prevTeam := c.Handoff, c.Team
	if a.Agent.Bot {
		c.Handoff = h
	}
	c.Team = team
	d.mu.Unlock()
	if err := a.lease.TransferToTeam(ctx, team); err != nil {
		d.mu.Lock()
		c.Handoff, c.Team = prevHandoff, prevTeam
		d.mu.Unlock()
		return nil, fmt.Errorf("care: handoff %s to %s: %w", key, team, err)
	}
	d.mu.Lock()
	if !a.Agent.Bot {
		c.Handoff = h
	}
	snap := c.clone()
	d.mu.Unlock()
	if err := d.store.PutConversation(ctx, snap); err != nil {
		return h, fmt.Errorf("care: handoff %s: store: %w", key, err)
	}
	d.emit(Event{Kind: Handoff, At: now, Key: key, Channel: string(c.Channel), Agent: a.Agent.ID, Team: team, Detail: note})
	return h, nil
}

// Boomerang snoozes the conversation until at and returns it then to the
// same agent: their next Next or TryNext hands it back first, with
// Assignment.FollowUp set. Nobody else may claim it until BoomerangHold
// after at; a new customer message wakes it for everyone. Unless
// Config.SLADuringBoomerang, the conversation's SLA clock pauses until at
// (Tick, or the agent's Next, resumes it then) or until the customer
// writes, so that a follow-up planned for next week raises no breach.
func (d *Desk) Boomerang(ctx context.Context, a *Assignment, at time.Time, note string) (FollowUp, error) {
	if a == nil || a.lease == nil {
		return FollowUp{}, fmt.Errorf("%w: nil assignment", ErrInvalid)
	}
	if !at.After(d.now()) {
		return FollowUp{}, fmt.Errorf("%w: boomerang of %s at %v, which is not in the future", ErrInvalid, a.Conversation.Key, at)
	}
	f := FollowUp{ID: uuid.NewString(), Kind: Boomerang, Key: a.Conversation.Key, Agent: a.Agent.ID, At: at, Note: note}
	if err := d.store.PutFollowUp(ctx, f); err != nil {
		return FollowUp{}, fmt.Errorf("care: boomerang %s: %w", f.Key, err)
	}
	if err := a.lease.Snooze(ctx, at.Add(d.hold)); err != nil {
		_, _ = d.store.TakeFollowUp(ctx, f.ID)
		return FollowUp{}, fmt.Errorf("care: boomerang %s: %w", f.Key, err)
	}
	if !d.holdSLA {
		if err := d.slaPause(ctx, f.Key, true, d.now()); err != nil {
			return f, fmt.Errorf("care: boomerang %s: snoozed, but %w", f.Key, err)
		}
	}
	return f, nil
}

// slaPause pauses (pause) or resumes the SLA clock of the conversation
// with key at at, and saves the conversation if that changed it.
func (d *Desk) slaPause(ctx context.Context, key string, pause bool, at time.Time) error {
	d.mu.Lock()
	c, ok := d.convs[key]
	if !ok {
		d.mu.Unlock()
		return nil
	}
	change := d.resumeClock
	if pause {
		change = d.pauseClock
	}
	changed, err := change(c, at)
	if !changed {
		d.mu.Unlock()
		return err
	}
	snap := c.clone()
	d.mu.Unlock()
	if serr := d.store.PutConversation(ctx, snap); serr != nil {
		err = errors.Join(err, fmt.Errorf("the store failed: %w", serr))
	}
	return err
}

// boomerangFor steals back the first due Boomerang of agent, if any.
func (d *Desk) boomerangFor(ctx context.Context, a Agent) (*Assignment, error) {
	now := d.now()
	fus, err := d.store.FollowUps(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("care: next for %q: follow-ups: %w", a.ID, err)
	}
	for _, f := range fus {
		if f.Kind != Boomerang || f.Agent != a.ID {
			continue
		}
		it, err := d.q.Get(ctx, f.Key)
		if err != nil || (it.State == queue.Claimed && now.Before(it.LeaseExpiresAt)) || it.State == queue.Done {
			_, _ = d.store.TakeFollowUp(ctx, f.ID) // someone else has it, or it is over
			continue
		}
		if ok, err := d.store.TakeFollowUp(ctx, f.ID); err != nil || !ok {
			continue
		}
		l, err := d.q.Steal(ctx, f.Key, a.ID, "boomerang")
		if err != nil {
			return nil, fmt.Errorf("care: next for %q: boomerang %s: %w", a.ID, f.Key, err)
		}
		if err := d.slaPause(ctx, f.Key, false, f.At); err != nil { // unless Tick resumed it already
			d.onError(fmt.Errorf("care: next for %q: boomerang %s: %w", a.ID, f.Key, err))
		}
		d.mu.Lock()
		c, ok := d.convs[f.Key]
		if !ok {
			d.mu.Unlock()
			_ = l.Release(ctx)
			continue
		}
		fu := f
		as := &Assignment{Agent: a, Conversation: c.clone(), FollowUp: &fu, lease: l, seen: len(c.Transcript)}
		d.mu.Unlock()
		return as, nil
	}
	return nil, nil
}

// Schedule plans a proactive message in the conversation with key, sent by
// Tick at or after at, signed by agent (a human agent the desk knows),
// through the same guards as a reply (personal data, tone, consistency
// against intent when set). A blocked message is dropped with a Blocked
// event.
func (d *Desk) Schedule(ctx context.Context, key, agent string, at time.Time, text, intent string) (FollowUp, error) {
	if strings.TrimSpace(text) == "" {
		return FollowUp{}, fmt.Errorf("%w: empty scheduled message", ErrInvalid)
	}
	if !at.After(d.now()) {
		return FollowUp{}, fmt.Errorf("%w: message scheduled at %v, which is not in the future", ErrInvalid, at)
	}
	d.mu.Lock()
	_, okc := d.convs[key]
	ag, oka := d.agents[agent]
	d.mu.Unlock()
	if !okc {
		return FollowUp{}, fmt.Errorf("%w: %s", ErrUnknownConversation, key)
	}
	if !oka {
		return FollowUp{}, fmt.Errorf("%w: %q", ErrUnknownAgent, agent)
	}
	if ag.Bot {
		return FollowUp{}, fmt.Errorf("%w: bot %q cannot schedule messages", ErrInvalid, agent)
	}
	f := FollowUp{ID: uuid.NewString(), Kind: Proactive, Key: key, Agent: agent, At: at, Text: text, Intent: intent}
	if err := d.store.PutFollowUp(ctx, f); err != nil {
		return FollowUp{}, fmt.Errorf("care: schedule in %s: %w", key, err)
	}
	return f, nil
}

func (d *Desk) followUps(ctx context.Context) error {
	now := d.now()
	fus, err := d.store.FollowUps(ctx, now)
	if err != nil {
		return fmt.Errorf("care: follow-ups: %w", err)
	}
	var errs []error
	for _, f := range fus {
		switch f.Kind {
		case Boomerang:
			if f.Notified {
				continue
			}
			f.Notified = true
			if err := d.store.PutFollowUp(ctx, f); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := d.slaPause(ctx, f.Key, false, f.At); err != nil {
				errs = append(errs, fmt.Errorf("care: boomerang %s came due, but %w", f.Key, err))
			}
			d.emit(Event{Kind: FollowUpDue, At: now, Key: f.Key, Agent: f.Agent, Detail: f.Note})
		case Proactive:
			if ok, err := d.store.TakeFollowUp(ctx, f.ID); err != nil || !ok {
				if err != nil {
					errs = append(errs, err)
				}
				continue
			}
			d.mu.Lock()
			ag, ok := d.agents[f.Agent]
			d.mu.Unlock()
			if !ok {
				ag = Agent{ID: f.Agent, Initials: f.Agent}
			}
			s, err := d.deliver(ctx, f.Key, ag, f.Text, f.Intent)
			if err != nil {
				errs = append(errs, fmt.Errorf("care: scheduled message %s: %w", f.ID, err))
				d.emit(Event{Kind: Blocked, At: now, Key: f.Key, Agent: f.Agent, Detail: "scheduled message not sent: " + err.Error()})
				continue
			}
			d.emit(Event{Kind: FollowUpSent, At: now, Key: f.Key, Agent: f.Agent, Detail: s.Outbound.Text, Flags: s.Flags})
		}
	}
	return errors.Join(errs...)
}

func (d *Desk) publishWaits(ctx context.Context) error {
	now := d.now()
	d.mu.Lock()
	due := d.lastPublish.IsZero() || !now.Before(d.lastPublish.Add(d.wait.Every))
	d.mu.Unlock()
	if !due {
		return nil
	}
	ws, err := d.WaitTimes(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.lastPublish = now
	d.mu.Unlock()
	if d.wait.Publish != nil {
		d.wait.Publish(slices.Clone(ws))
	}
	d.emit(Event{Kind: WaitPublished, At: now, Waits: ws})
	return nil
}

// Observe listens to a message that is not addressed to the desk (a search
// stream, a competitor's page): it returns the brand mentions in it,
// emitting MentionCaught for untagged and misspelled ones, and counts its
// topics towards spikes. It does not enqueue anything: a host turns the
// events into proactive posts, or ingests the message.
func (d *Desk) Observe(ctx context.Context, m channel.Message) []Mention {
	now := d.now()
	at := m.ReceivedAt
	if at.IsZero() {
		at = now
	}
	ms := d.listener.Mentions(m.Text)
	var evs []Event
	for i := range ms {
		if ms[i].Kind == Tagged {
			continue
		}
		mm := ms[i]
		evs = append(evs, Event{Kind: MentionCaught, At: now, Channel: string(m.Channel), Detail: fmt.Sprintf("%s mention of %s (%q) by @%s", mm.Kind, mm.Brand, mm.Word, m.Author.Handle), Mention: &mm})
	}
	topics, _ := d.router.Topics(m.Text)
	for _, t := range topics {
		if sp, ok := d.listener.Count(t, at); ok {
			evs = append(evs, Event{Kind: Spike, At: now, Detail: fmt.Sprintf("%s: %d messages in %v (baseline %.1f)", sp.Topic, sp.Count, sp.Window, sp.Baseline), Spike: &sp})
		}
	}
	d.emit(evs...)
	return ms
}
