package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Types re-exported from queuedriver. They are defined there because the
// stores implement package queuedriver and cannot import this package (it
// imports theirs), and an alias cannot point the other way without that
// cycle. Their fields are listed here too, so that go doc shows them where
// users look; the doc of queuedriver has the same fields with the stores'
// obligations, and a test keeps the two lists in step.
type (
	// Item is one conversation in the queue, as Get, Claim and
	// Lease.Item return it. Its fields, all set by the queue:
	//
	//	Key            string    // the conversation; one item per key
	//	Channel        string    // what claim filters match on (Entry.Channel)
	//	Team           string    // what claim filters match on (Entry.Team)
	//	Language       string    // what claim filters match on (Entry.Language)
	//	Skills         []string  // skills an agent needs to take the item
	//	Score          float64   // priority score of the latest message
	//	Deadline       time.Time // nearest SLA deadline; zero if none
	//	Rank           float64   // ordering key (queuedriver.Rank); higher is served first
	//	Unanswered     int       // customer messages since the item was last completed
	//	Payload        []byte    // your opaque data, stored as given
	//	EnqueuedAt     time.Time // when the item started waiting (its first unanswered message)
	//	UpdatedAt      time.Time // time of the last change
	//	Version        int64     // increases with every Enqueue of the key
	//	State          State     // Waiting, Claimed, Snoozed or Done
	//	Holder         string    // agent holding a Claimed item
	//	LeaseID        string    // current lease of a Claimed item
	//	LeaseExpiresAt time.Time // when that lease lapses unless extended
	//	SnoozedUntil   time.Time // when a Snoozed item becomes claimable
	//	LastAgent      string    // agent who last held the item (affinity)
	//	LastHeldAt     time.Time // when LastAgent let it go
	//	Claims         int       // how often the item was claimed
	//
	// Item.Claimable(now) reports whether it can be claimed at now,
	// filters and affinity aside.
	Item = queuedriver.Item
	// Filter restricts what an agent may claim; an empty field places no
	// restriction, so the zero Filter admits everything. Its fields:
	//
	//	Channels  []string // channels the agent works ("x", "messenger", ...)
	//	Teams     []string // teams the agent belongs to
	//	Languages []string // languages the agent speaks; an item without a Language matches any
	//	Skills    []string // skills the agent has; an item requires all of its Skills
	//
	// Filter.Match(item) reports whether an agent with the filter may take
	// the item.
	Filter = queuedriver.Filter
	// Agent is an agent registered with SetAgent. Its fields:
	//
	//	ID       string    // identifies the agent; required
	//	Capacity int       // most items held at once; 0 means no limit
	//	Online   bool      // available; affinity holds items only for online agents
	//	Since    time.Time // when Online last changed (set by the queue)
	Agent = queuedriver.Agent
	// Weights configure the ranking (Config.Weights). Its fields:
	//
	//	Score   float64       // multiplies the priority score
	//	Slack   float64       // urgency added per minute closer to the deadline
	//	Wait    float64       // urgency added per minute of waiting
	//	Horizon time.Duration // stands in for the deadline of items that have none
	//
	// The defaults are Score 1, Slack 0.5, Wait 0.5 and Horizon 24h (see
	// Config.Weights).
	Weights = queuedriver.Weights
	// Stats describe the queue at one instant (Queue.Stats). Its fields:
	//
	//	WaitingByChannel map[string]int // claimable items by channel
	//	WaitingByTeam    map[string]int // claimable items by team
	//	OldestWaiting    time.Time      // EnqueuedAt of the oldest claimable item; zero if none
	//	ClaimsByAgent    map[string]int // live leases per agent
	Stats = queuedriver.Stats
	// State is where an item is in its life: Waiting, Claimed, Snoozed or
	// Done.
	State = queuedriver.State
)

// Item states, re-exported from queuedriver.
const (
	Waiting = queuedriver.Waiting
	Claimed = queuedriver.Claimed
	Snoozed = queuedriver.Snoozed
	Done    = queuedriver.Done
)

// Errors, re-exported from queuedriver. Test with errors.Is.
var (
	ErrNotFound     = queuedriver.ErrNotFound
	ErrNoItem       = queuedriver.ErrNoItem
	ErrLeaseLost    = queuedriver.ErrLeaseLost
	ErrUnknownAgent = queuedriver.ErrUnknownAgent
	ErrAtCapacity   = queuedriver.ErrAtCapacity
	// ErrInvalid means an argument was malformed; the queue is unchanged.
	// Every error of New about its arguments wraps it too.
	ErrInvalid = queuedriver.ErrInvalid
	// ErrNoEstimate means ExpectedWait has seen no claims matching the
	// filter within Config.RateWindow, so it cannot estimate a wait.
	ErrNoEstimate = errors.New("queue: no recent service to estimate from")
	// ErrLeaseEnded is the cause of a lease context that ended because its
	// holder completed, released, snoozed or transferred the item. A lease
	// context that ended because the lease expired or was taken has cause
	// ErrLeaseLost. Test context.Cause with errors.Is.
	ErrLeaseEnded = errors.New("queue: lease ended")
)

// Config configures a Queue. The zero value gives the defaults.
type Config struct {
	// Now returns the current time. Defaults to time.Now.
	Now func() time.Time
	// LeaseTTL is how long a claim lasts without a heartbeat. Defaults to
	// 5 minutes.
	LeaseTTL time.Duration
	// Weights rank items. Defaults to Score 1, Slack 0.5 and Wait 0.5 per
	// minute, Horizon 24h: a message gains half a point of urgency for
	// every minute it waits and another half for every minute its deadline
	// comes closer.
	Weights *Weights
	// AffinityWindow keeps a conversation for the agent who last handled
	// it, while that agent is online, for this long after they let it go.
	// Defaults to 30 minutes; negative disables affinity.
	AffinityWindow time.Duration
	// PollInterval is how often a blocked Claim looks again when it was
	// not woken. Defaults to 1 second.
	PollInterval time.Duration
	// OfflineGrace is how long an agent marked offline keeps its claims
	// before Maintain releases them (Sparkcentral drops ownership two
	// minutes after sign-out). Defaults to 2 minutes; negative releases
	// them at the first Maintain after the agent went offline.
	OfflineGrace time.Duration
	// MaintainInterval is how often the loop started by Start calls
	// Maintain. Defaults to 1 second.
	MaintainInterval time.Duration
	// RateWindow is how far back ExpectedWait looks to measure the service
	// rate. Defaults to 15 minutes.
	RateWindow time.Duration
	// Logger receives the errors of the loop started by Start. Defaults to
	// a logger that discards everything.
	Logger *slog.Logger
	// OnEvent, if set, is called after every change of ownership (claim,
	// complete, release, snooze, transfer, steal, expiry, offline release)
	// with what happened and why: this is where a steal's reason is
	// recorded. It is called synchronously, without locks held, from the
	// goroutine that made the change (from Maintain for expiries and
	// offline releases); it must be safe for concurrent use and should be
	// quick. Defaults to nil (no events).
	OnEvent func(Event)
	// DoneRetention is how long Done items are kept after their last
	// change (their completion) before Maintain deletes them, when the
	// store can (a queuedriver.Purger, as memqueue and pgqueue are). A new
	// message for a deleted conversation starts a new item, with no
	// history. Defaults to 24 hours; negative keeps Done items forever.
	DoneRetention time.Duration
}

// Entry is a customer message to enqueue.
type Entry struct {
	// Key identifies the conversation. Required.
	Key string
	// Channel, Team, Language and Skills are what agents' filters match.
	Channel  string
	Team     string
	Language string
	Skills   []string
	// Score is the priority score; it must be finite.
	Score float64
	// Deadline is the nearest SLA deadline; zero if none.
	Deadline time.Time
	// Payload is opaque host data kept with the item.
	Payload []byte
	// Unanswered, if positive, is the number of unanswered customer
	// messages in the conversation: Enqueue records it as the item's
	// Unanswered instead of adding one, so that enqueueing the same
	// conversation state twice records the same count (Version still
	// increases). Zero adds one; negative is invalid. Update ignores it.
	Unanswered int
}

// Queue is the portable work queue. It is safe for concurrent use. The
// zero value is not usable; call New.
//
// A Queue keeps a little state of its own beside the store: the leases it
// handed out (to cancel their contexts), the agents it saw go offline (for
// OfflineGrace) and its recent claims (for ExpectedWait). Several Queues
// may share one store; each then knows only its own leases and agents.
type Queue struct {
	store   queuedriver.Store
	now     func() time.Time
	realNow bool
	ttl     time.Duration
	w       Weights
	aff     time.Duration
	poll    time.Duration
	grace   time.Duration
	every   time.Duration
	window  time.Duration
	onEvent func(Event)
	log     *slog.Logger
	keep    time.Duration // Config.DoneRetention; negative: forever

	mu      sync.Mutex
	wake    chan struct{}
	leases  map[string]*Lease    // live leases by item key
	offline map[string]time.Time // agents marked offline, since when
	claims  claimLog
	stop    context.CancelFunc
	done    chan struct{}
}

// New returns a Queue over store. cfg may be nil. Errors about store or
// cfg wrap ErrInvalid and say which argument to fix.
func New(store queuedriver.Store, cfg *Config) (*Queue, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: New: store is nil: pass memqueue.New() for an in-memory queue, or a pgqueue.Store", ErrInvalid)
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	realNow := c.Now == nil
	if realNow {
		c.Now = time.Now
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"LeaseTTL", &c.LeaseTTL, 5 * time.Minute},
		{"PollInterval", &c.PollInterval, time.Second},
		{"MaintainInterval", &c.MaintainInterval, time.Second},
		{"RateWindow", &c.RateWindow, 15 * time.Minute},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("%w: New: Config.%s is %v: set a positive duration, or 0 for the default %v", ErrInvalid, d.name, *d.v, d.def)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	w := Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	if c.Weights != nil {
		w = *c.Weights
		for _, f := range []struct {
			name string
			v    float64
		}{{"Score", w.Score}, {"Slack", w.Slack}, {"Wait", w.Wait}} {
			if !queuedriver.IsFinite(f.v) || f.v < 0 {
				return nil, fmt.Errorf("%w: New: Config.Weights.%s is %v: set a finite number ≥ 0, or leave Weights nil for the defaults", ErrInvalid, f.name, f.v)
			}
		}
		if w.Horizon <= 0 {
			return nil, fmt.Errorf("%w: New: Config.Weights.Horizon is %v: set a positive duration (the default is 24h)", ErrInvalid, w.Horizon)
		}
	}
	switch {
	case c.AffinityWindow == 0:
		c.AffinityWindow = 30 * time.Minute
	case c.AffinityWindow < 0:
		c.AffinityWindow = 0
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.OfflineGrace == 0:
		c.OfflineGrace = 2 * time.Minute
	case c.OfflineGrace < 0:
		c.OfflineGrace = 0
	}
	return &Queue{
		store: store, now: c.Now, realNow: realNow, ttl: c.LeaseTTL, w: w, aff: c.AffinityWindow,
		poll: c.PollInterval, grace: c.OfflineGrace, every: c.MaintainInterval, window: c.RateWindow,
		onEvent: c.OnEvent, log: c.Logger, keep: doneRetention(c.DoneRetention), wake: make(chan struct{}), leases: map[string]*Lease{}, offline: map[string]time.Time{},
	}, nil
}

// LeaseTTL returns the queue's lease duration.
func (q *Queue) LeaseTTL() time.Duration { return q.ttl }

// signal wakes every blocked Claim.
func (q *Queue) signal() {
	q.mu.Lock()
	close(q.wake)
	q.wake = make(chan struct{})
	q.mu.Unlock()
}

func (q *Queue) waiter() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.wake
}

func (q *Queue) emit(ev Event) {
	if q.onEvent != nil {
		q.onEvent(ev)
	}
}

// SetAgent registers an agent or updates its capacity and availability.
// An agent marked offline keeps its claims for Config.OfflineGrace; then
// Maintain releases them, unless the agent came back online first.
func (q *Queue) SetAgent(ctx context.Context, a Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent id is empty", ErrInvalid)
	}
	if a.Capacity < 0 {
		return fmt.Errorf("%w: agent %q: negative capacity %d", ErrInvalid, a.ID, a.Capacity)
	}
	a.Since = q.now()
	if err := q.store.PutAgent(ctx, a); err != nil {
		return fmt.Errorf("queue: set agent %q: %w", a.ID, err)
	}
	q.mu.Lock()
	if a.Online {
		delete(q.offline, a.ID)
	} else if _, ok := q.offline[a.ID]; !ok {
		q.offline[a.ID] = a.Since
	}
	q.mu.Unlock()
	q.signal()
	return nil
}

// Enqueue adds a customer message to its conversation's item, creating the
// item if needed (see queuedriver.Store.Upsert for what changes). It fails
// with ErrInvalid, changing nothing, for an empty key, a score that is
// NaN or infinite, or a negative Unanswered.
func (q *Queue) Enqueue(ctx context.Context, e Entry) (*Item, error) {
	if e.Key == "" {
		return nil, fmt.Errorf("%w: empty key", ErrInvalid)
	}
	if !queuedriver.IsFinite(e.Score) {
		return nil, fmt.Errorf("%w: item %q: score %v is not finite", ErrInvalid, e.Key, e.Score)
	}
	if e.Unanswered < 0 {
		return nil, fmt.Errorf("%w: item %q: negative unanswered count %d", ErrInvalid, e.Key, e.Unanswered)
	}
	it, err := q.store.Upsert(ctx, queuedriver.UpsertParams{
		Key: e.Key, Channel: e.Channel, Team: e.Team, Language: e.Language, Skills: e.Skills,
		Score: e.Score, Deadline: e.Deadline, Payload: e.Payload, Weights: q.w, Now: q.now(),
		Unanswered: e.Unanswered,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: enqueue %q: %w", e.Key, err)
	}
	q.signal()
	return &it, nil
}

// Get returns a copy of the item with key, or ErrNotFound.
func (q *Queue) Get(ctx context.Context, key string) (*Item, error) {
	it, err := q.store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// Urgency returns the effective urgency of it at now (see queuedriver).
func (q *Queue) Urgency(it *Item, now time.Time) float64 {
	dl := it.Deadline
	if dl.IsZero() {
		dl = it.EnqueuedAt.Add(q.w.Horizon)
	}
	return q.w.Score*it.Score + q.w.Slack*now.Sub(dl).Minutes() + q.w.Wait*now.Sub(it.EnqueuedAt).Minutes()
}

// TryClaim leases the most urgent item agent may take, or returns ErrNoItem
// at once. It fails with ErrUnknownAgent for an agent never passed to
// SetAgent and ErrAtCapacity when the agent holds Capacity live leases.
func (q *Queue) TryClaim(ctx context.Context, agent string, f Filter) (*Lease, error) {
	if agent == "" {
		return nil, fmt.Errorf("%w: agent id is empty", ErrInvalid)
	}
	now := q.now()
	it, err := q.store.Claim(ctx, queuedriver.ClaimParams{
		Agent: agent, Filter: f, LeaseID: uuid.NewString(), ExpiresAt: now.Add(q.ttl),
		AffinityWindow: q.aff, Now: now,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: claim for %q: %w", agent, err)
	}
	q.recordClaim(now, it)
	l := q.track(it)
	q.emit(Event{Kind: EventClaim, Key: it.Key, Agent: agent, At: now})
	return l, nil
}

// Claim is TryClaim that waits, until an item is available or ctx ends.
// A waiting Claim wakes when this Queue enqueues or releases an item, when
// the store says another process did (a queuedriver.Notifier, such as
// pgqueue's LISTEN/NOTIFY), and otherwise every Config.PollInterval.
func (q *Queue) Claim(ctx context.Context, agent string, f Filter) (*Lease, error) {
	var remote <-chan struct{}
	if n, ok := q.store.(queuedriver.Notifier); ok {
		nctx, cancel := context.WithCancel(ctx)
		defer cancel()
		remote = n.Notify(nctx)
	}
	for {
		w := q.waiter()
		l, err := q.TryClaim(ctx, agent, f)
		if !errors.Is(err, ErrNoItem) {
			return l, err
		}
		t := time.NewTimer(q.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("queue: claim for %q: %w", agent, context.Cause(ctx))
		case <-w:
		case _, open := <-remote:
			if !open {
				remote = nil // the store stopped notifying: poll from now on
			}
		case <-t.C:
		}
		t.Stop()
	}
}

// Steal takes the item with key for agent, whoever holds it, under a new
// lease. The reason is required; it is passed to Config.OnEvent with the
// previous holder. The previous holder's lease is lost (its operations fail
// with ErrLeaseLost and, if this Queue handed it out, its context is
// cancelled).
func (q *Queue) Steal(ctx context.Context, key, agent, reason string) (*Lease, error) {
	if key == "" || agent == "" {
		return nil, fmt.Errorf("%w: steal needs a key and an agent", ErrInvalid)
	}
	if reason == "" {
		return nil, fmt.Errorf("%w: steal of %q needs a reason", ErrInvalid, key)
	}
	now := q.now()
	it, err := q.store.Reassign(ctx, queuedriver.ReassignParams{Key: key, ToAgent: agent, NewLeaseID: uuid.NewString(), ExpiresAt: now.Add(q.ttl), Now: now})
	if err != nil {
		return nil, fmt.Errorf("queue: steal %q for %q (%s): %w", key, agent, reason, err)
	}
	from := ""
	if it.LastHeldAt.Equal(now) {
		from = it.LastAgent
	}
	l := q.track(it)
	q.emit(Event{Kind: EventSteal, Key: key, Agent: agent, From: from, Reason: reason, At: now})
	return l, nil
}

// Stats returns depths and claims now.
func (q *Queue) Stats(ctx context.Context) (Stats, error) { return q.store.Stats(ctx, q.now()) }

// ExpectedWait estimates how long a new item matching f would wait before
// an agent claims it: its position (the claimable items matching f, which
// a new item joins behind) plus one, divided by the recent service rate
// (the claims of items matching f that this Queue made within
// Config.RateWindow). It fails with ErrNoEstimate when there were no such
// claims. The estimate ignores priority (an urgent item jumps the line) and
// claims made through other Queues sharing the store; publish it rounded,
// as KLM does.
func (q *Queue) ExpectedWait(ctx context.Context, f Filter) (time.Duration, error) {
	now := q.now()
	n, err := q.store.Count(ctx, f, now)
	if err != nil {
		return 0, fmt.Errorf("queue: expected wait: %w", err)
	}
	q.mu.Lock()
	served := q.claims.count(f, now.Add(-q.window))
	q.mu.Unlock()
	if served == 0 {
		return 0, fmt.Errorf("queue: expected wait: %w", ErrNoEstimate)
	}
	wait := float64(n+1) * float64(q.window) / float64(served)
	if wait > math.MaxInt64 {
		return time.Duration(math.MaxInt64), nil
	}
	return time.Duration(wait), nil
}

// claimLog is a ring of the most recent claims, for ExpectedWait.
type claimLog struct {
	recs [1024]claimRec
	next int
	n    int
}

type claimRec struct {
	at   time.Time
	item Item // Channel, Team, Language and Skills only
}

func (c *claimLog) add(r claimRec) {
	c.recs[c.next] = r
	c.next = (c.next + 1) % len(c.recs)
	c.n = min(c.n+1, len(c.recs))
}

func (c *claimLog) count(f Filter, since time.Time) int {
	n := 0
	for i := range c.n {
		r := &c.recs[(c.next-1-i+len(c.recs))%len(c.recs)]
		if !r.at.After(since) {
			continue
		}
		if f.Match(&r.item) {
			n++
		}
	}
	return n
}

func (q *Queue) recordClaim(now time.Time, it Item) {
	q.mu.Lock()
	q.claims.add(claimRec{at: now, item: Item{Channel: it.Channel, Team: it.Team, Language: it.Language, Skills: it.Skills}})
	q.mu.Unlock()
}
