package care

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/socialcare/socialcare/queue"
)

// Agent is a person (or bot) who answers customers.
type Agent struct {
	// ID identifies the agent in the queue. Required.
	ID string
	// Name is the display name.
	Name string
	// Initials sign the agent's replies ("^AS"). Defaults to the initials
	// of Name.
	Initials string
	// Capacity is the most conversations the agent holds at once; 0 means
	// no limit.
	Capacity int
	// Bot marks an automated agent: it signs nothing, may only answer
	// intents whose Macro is BotAllowed, and can no longer send once it
	// has handed a conversation off.
	Bot bool
}

// agentBook holds the agents the desk knows and the assignments it keeps
// alive. It has its own lock.
type agentBook struct {
	mu     sync.Mutex
	agents map[string]agentState
	open   map[*Assignment]struct{}
}

type agentState struct {
	Agent
	online bool
}

func newAgentBook() *agentBook {
	return &agentBook{agents: map[string]agentState{}, open: map[*Assignment]struct{}{}}
}

func (b *agentBook) get(id string) (agentState, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.agents[id]
	return a, ok
}

// humans counts the human agents online.
func (b *agentBook) humans() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, a := range b.agents {
		if !a.Bot && a.online {
			n++
		}
	}
	return n
}

func validAgent(a *Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent has no ID", ErrInvalid)
	}
	if a.Capacity < 0 {
		return fmt.Errorf("%w: agent %q: negative Capacity %d", ErrInvalid, a.ID, a.Capacity)
	}
	if a.Initials == "" {
		a.Initials = initials(a.Name)
	}
	return nil
}

// AddAgent registers a new agent with the desk and its queue, online. An
// agent the desk already has is refused with ErrAgentExists: UpdateAgent
// changes one.
func (d *Desk) AddAgent(ctx context.Context, a Agent) error {
	if err := validAgent(&a); err != nil {
		return err
	}
	d.agents.mu.Lock()
	_, dup := d.agents.agents[a.ID]
	d.agents.mu.Unlock()
	if dup {
		return fmt.Errorf("%w: %q", ErrAgentExists, a.ID)
	}
	if err := d.q.SetAgent(ctx, queue.Agent{ID: a.ID, Capacity: a.Capacity, Online: true}); err != nil {
		return fmt.Errorf("care: add agent %q: %w", a.ID, err)
	}
	d.agents.mu.Lock()
	defer d.agents.mu.Unlock()
	if _, dup := d.agents.agents[a.ID]; dup {
		return fmt.Errorf("%w: %q", ErrAgentExists, a.ID)
	}
	d.agents.agents[a.ID] = agentState{Agent: a, online: true}
	return nil
}

// UpdateAgent changes an agent the desk has (name, initials, capacity,
// bot); its availability stays as it is. An unknown agent is
// ErrUnknownAgent.
func (d *Desk) UpdateAgent(ctx context.Context, a Agent) error {
	if err := validAgent(&a); err != nil {
		return err
	}
	old, ok := d.agents.get(a.ID)
	if !ok {
		return fmt.Errorf("care: update agent: %w: %q", ErrUnknownAgent, a.ID)
	}
	if err := d.q.SetAgent(ctx, queue.Agent{ID: a.ID, Capacity: a.Capacity, Online: old.online}); err != nil {
		return fmt.Errorf("care: update agent %q: %w", a.ID, err)
	}
	d.agents.mu.Lock()
	d.agents.agents[a.ID] = agentState{Agent: a, online: old.online}
	d.agents.mu.Unlock()
	return nil
}

// SetAvailable marks an agent online or offline. An agent who goes
// offline keeps the conversations they hold for the queue's OfflineGrace
// (queue.Config.OfflineGrace, 2 minutes by default; the queue's Start or
// Maintain releases them after it) and is offered nothing new; coming back
// within the grace keeps them.
func (d *Desk) SetAvailable(ctx context.Context, agent string, online bool) error {
	a, ok := d.agents.get(agent)
	if !ok {
		return fmt.Errorf("care: set availability: %w: %q", ErrUnknownAgent, agent)
	}
	if err := d.q.SetAgent(ctx, queue.Agent{ID: agent, Capacity: a.Capacity, Online: online}); err != nil {
		return fmt.Errorf("care: set availability of %q: %w", agent, err)
	}
	d.agents.mu.Lock()
	a.online = online
	d.agents.agents[agent] = a
	d.agents.mu.Unlock()
	return nil
}

// SignOut marks the agent offline (SetAvailable false): after the queue's
// offline grace, the conversations they still hold go back to the queue.
func (d *Desk) SignOut(ctx context.Context, agent string) error {
	return d.SetAvailable(ctx, agent, false)
}

// Assignment is a conversation an agent holds. The desk keeps its lease
// alive (Tick renews it) until it ends: Resolve, Release, Handoff or
// Boomerang end it, and so does the agent's inactivity past
// Config.MaxHold or the loss of the lease (the queue's offline release
// after SignOut, a supervisor's steal). An Assignment is used by one
// goroutine at a time.
type Assignment struct {
	// Agent holds the conversation.
	Agent Agent
	// Conversation is a snapshot taken when the agent loaded it (Next,
	// Refresh, or its own last reply).
	Conversation Conversation
	// FollowUp is set when a Boomerang brought the conversation back.
	FollowUp *FollowUp
	lease    *queue.Lease
	seen     int       // the turns the agent has seen
	touched  time.Time // the agent's last action; guarded by agentBook.mu
	// base is the conversation as the desk last loaded or saved it for
	// this assignment (never Conversation, which the caller may change):
	// a change starts from it, and a save that finds a newer version reads
	// that instead. On a MemStore it is the stored snapshot, which a
	// change never writes into (commitFrom changes a view of it); on
	// another Store, the desk's own copy. Whoever uses it takes it (sets
	// nil) and puts back only what it saved.
	base *Conversation
}

// takeBase returns a's base and clears it (see Assignment.base).
func (a *Assignment) takeBase() *Conversation {
	b := a.base
	a.base = nil
	return b
}

// Lease returns the queue lease behind the assignment. The desk keeps it
// alive; use it for its Context (cancelled when the assignment ends).
func (a *Assignment) Lease() *queue.Lease { return a.lease }

// live reports whether the assignment can still act, with
// ErrAssignmentEnded, or the queue's ErrLeaseLost, when it cannot.
func (a *Assignment) live() error {
	if a == nil || a.lease == nil {
		return fmt.Errorf("%w: nil assignment", ErrInvalid)
	}
	if a.lease.Context().Err() == nil {
		return nil
	}
	cause := context.Cause(a.lease.Context())
	if errors.Is(cause, queue.ErrLeaseEnded) {
		return fmt.Errorf("%w: %s", ErrAssignmentEnded, a.Conversation.Key)
	}
	return fmt.Errorf("care: %s: %w", a.Conversation.Key, cause)
}

// assign registers a new assignment, kept alive from now.
func (d *Desk) assign(a *Assignment) {
	d.agents.mu.Lock()
	a.touched = d.now()
	d.agents.open[a] = struct{}{}
	d.agents.mu.Unlock()
}

// touch records an action of the agent on a.
func (d *Desk) touch(a *Assignment) {
	d.agents.mu.Lock()
	a.touched = d.now()
	d.agents.mu.Unlock()
}

// unassign stops keeping a alive.
func (d *Desk) unassign(a *Assignment) {
	d.agents.mu.Lock()
	delete(d.agents.open, a)
	d.agents.mu.Unlock()
}

// keepAlive renews the leases of the open assignments that need it, lets go
// of those idle past MaxHold and forgets those that ended. It costs one
// step per open assignment.
func (d *Desk) keepAlive(ctx context.Context) error {
	now := d.now()
	ttl := d.q.LeaseTTL()
	d.agents.mu.Lock()
	var renew, expire []*Assignment
	for a := range d.agents.open {
		switch {
		case a.lease.Context().Err() != nil:
			delete(d.agents.open, a)
		case now.Sub(a.touched) > d.sched.maxHold:
			delete(d.agents.open, a)
			expire = append(expire, a)
		case a.lease.ExpiresAt().Sub(now) < ttl*2/3:
			renew = append(renew, a)
		}
	}
	d.agents.mu.Unlock()
	sort.Slice(expire, func(i, j int) bool { return expire[i].Conversation.Key < expire[j].Conversation.Key })
	var errs []error
	for _, a := range renew {
		if err := a.lease.Extend(ctx); err != nil && a.lease.Context().Err() == nil {
			errs = append(errs, fmt.Errorf("care: keep %s for %q: %w", a.Conversation.Key, a.Agent.ID, err))
		}
	}
	for _, a := range expire {
		if err := a.lease.Release(ctx); err != nil {
			errs = append(errs, fmt.Errorf("care: release %s, idle past MaxHold: %w", a.Conversation.Key, err))
			continue
		}
		d.emit(Event{Kind: AssignmentExpired, At: now, Key: a.Conversation.Key, Channel: string(a.Conversation.Channel), Agent: a.Agent.ID,
			Team: a.Conversation.Team, Detail: fmt.Sprintf("no action for %v (MaxHold): back to the queue", d.sched.maxHold)})
	}
	return errors.Join(errs...)
}

// Release gives the conversation back to the queue unanswered: the agent
// leaves it (closes the workspace) and another may take it.
func (d *Desk) Release(ctx context.Context, a *Assignment) error {
	if err := a.live(); err != nil {
		return err
	}
	d.unassign(a)
	if err := a.lease.Release(ctx); err != nil {
		return fmt.Errorf("care: release %s: %w", a.Conversation.Key, err)
	}
	return nil
}

// Next waits for the most urgent conversation agent may take and assigns
// it. f restricts channels, teams and languages. A filter the desk could
// never satisfy is refused with ErrInvalid rather than left to wait
// forever: a channel it has not added, a team no feedback loop, escalation
// or Config.Teams names, a malformed language tag, or skills (the desk
// routes nothing by skill). A Boomerang due for the agent comes back first.
func (d *Desk) Next(ctx context.Context, agent string, f queue.Filter) (*Assignment, error) {
	return d.next(ctx, agent, f, d.q.Claim)
}

// TryNext is Next without waiting: it returns queue.ErrNoItem when nothing
// is available.
func (d *Desk) TryNext(ctx context.Context, agent string, f queue.Filter) (*Assignment, error) {
	return d.next(ctx, agent, f, d.q.TryClaim)
}

func (d *Desk) next(ctx context.Context, agent string, f queue.Filter, claim func(context.Context, string, queue.Filter) (*queue.Lease, error)) (*Assignment, error) {
	a, ok := d.agents.get(agent)
	if !ok {
		return nil, fmt.Errorf("care: next: %w: %q (add it with AddAgent)", ErrUnknownAgent, agent)
	}
	if len(f.Channels) > 0 {
		kinds := d.channelKinds()
		for _, k := range f.Channels {
			if !kinds[k] {
				return nil, fmt.Errorf("%w: filter names channel %q, which the desk does not have (add it with AddChannel)", ErrInvalid, k)
			}
		}
	}
	for _, t := range f.Teams {
		if !d.teams[t] {
			return nil, fmt.Errorf("%w: filter names team %q, which no feedback loop, escalation or Config.Teams has; no conversation would reach it", ErrInvalid, t)
		}
	}
	if len(f.Skills) > 0 {
		return nil, fmt.Errorf("%w: filter names skills %q, but the desk routes no conversation by skill (its queue entries require none); filter by channel, team or language", ErrInvalid, f.Skills)
	}
	for _, l := range f.Languages {
		if _, err := language.Parse(l); err != nil {
			return nil, fmt.Errorf("%w: filter names language %q, which is not a language tag such as \"en\" or \"pt-BR\"", ErrInvalid, l)
		}
	}
	if as, err := d.boomerangFor(ctx, a.Agent); as != nil || err != nil {
		return as, err
	}
	for {
		l, err := claim(ctx, agent, f)
		if err != nil {
			return nil, fmt.Errorf("care: next for %q: %w", agent, err)
		}
		c, err := d.convs.peek(ctx, l.Key())
		if err != nil {
			_ = l.Release(ctx)
			return nil, fmt.Errorf("care: next for %q: %w", agent, err)
		}
		if c == nil || !c.Open() {
			// Queued by an intake whose save failed (the redelivery
			// queues it again), or resolved meanwhile: nothing to answer.
			if err := l.Complete(ctx); err != nil {
				d.onError(fmt.Errorf("care: next for %q: complete %s, which has no open conversation: %w", agent, l.Key(), err))
			}
			continue
		}
		if a.Bot && c.Handoff != nil {
			_ = l.TransferToTeam(ctx, c.Team) // back to the humans
			return nil, fmt.Errorf("care: next for bot %q: %s: %w", agent, l.Key(), ErrHandedOff)
		}
		as := &Assignment{Agent: a.Agent, Conversation: c.clone(), lease: l, seen: len(c.Transcript), base: c}
		d.assign(as)
		return as, nil
	}
}

// Hold tells the desk that the agent is still working on a: the count
// towards Config.MaxHold starts again. A workspace calls it while it is
// open; replies and Refresh count as well.
func (d *Desk) Hold(a *Assignment) error {
	if err := a.live(); err != nil {
		return err
	}
	d.touch(a)
	return nil
}

// Refresh reloads the assignment's snapshot: the agent has seen what
// changed, and may reply without confirming.
func (d *Desk) Refresh(ctx context.Context, a *Assignment) error {
	if err := a.live(); err != nil {
		return err
	}
	c, err := d.convs.peek(ctx, a.Conversation.Key)
	if err != nil {
		return err
	}
	if c == nil {
		return fmt.Errorf("%w: %s", ErrUnknownConversation, a.Conversation.Key)
	}
	a.Conversation, a.base, a.seen = c.clone(), c, len(c.Transcript)
	d.touch(a)
	return nil
}
