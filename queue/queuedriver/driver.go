// Package queuedriver defines the small interface that queue stores
// implement (the in-memory memqueue, the PostgreSQL pgqueue, or a host's
// own), the item model they keep, and the errors they return.
//
// Application code uses package queue, which wraps a Store with lease
// handling, blocking claims, ranking and validation. A Store does each
// operation atomically and checks leases; it does not validate input, wait,
// or compute anything but the rank formula below. Every Store must pass the
// conformance suite in package queuedrivertest.
//
// # Ranking
//
// The queue serves the item with the highest effective urgency at the
// moment of the claim:
//
//	urgency(now) = Weights.Score·Score
//	             + Weights.Slack·minutes(now − Deadline)
//	             + Weights.Wait·minutes(now − EnqueuedAt)
//
// The terms that depend on now grow at the same rate for every item, so the
// order never changes with time and can be kept in an index: stores order by
// Rank (see the Rank function), highest first, then by EnqueuedAt, oldest
// first, then by Key. An item without a Deadline is ranked as if its
// deadline were EnqueuedAt + Weights.Horizon.
package queuedriver

import (
	"context"
	"errors"
	"math"
	"time"
)

// Errors returned by stores and re-exported by package queue.
var (
	// ErrNotFound means no item has the given key.
	ErrNotFound = errors.New("queue: item not found")
	// ErrNoItem means no item is available to the claimer right now.
	ErrNoItem = errors.New("queue: no item available")
	// ErrLeaseLost means the lease does not exist, expired, or passed to
	// another agent.
	ErrLeaseLost = errors.New("queue: lease lost")
	// ErrUnknownAgent means the agent was never registered with SetAgent.
	ErrUnknownAgent = errors.New("queue: unknown agent")
	// ErrAtCapacity means the agent already holds as many claims as its
	// Capacity allows.
	ErrAtCapacity = errors.New("queue: agent at capacity")
	// ErrInvalid means an argument was malformed: a constructor's nil
	// dependency or out-of-range setting, an empty key, a non-finite
	// score. Nothing was changed. Package queue and the stores re-export
	// it as their own ErrInvalid, so errors.Is(err, queue.ErrInvalid)
	// holds for every one of them.
	ErrInvalid = errors.New("queue: invalid argument")
)

// State is where an item is in its life.
type State uint8

// States.
const (
	// Waiting items can be claimed.
	Waiting State = iota + 1
	// Claimed items are held by one agent under a lease until
	// LeaseExpiresAt.
	Claimed
	// Snoozed items wait until SnoozedUntil, then can be claimed again.
	Snoozed
	// Done items were completed; a new message re-opens them.
	Done
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case Waiting:
		return "waiting"
	case Claimed:
		return "claimed"
	case Snoozed:
		return "snoozed"
	case Done:
		return "done"
	}
	return "unknown"
}

// Weights configure the ranking (see the package doc).
type Weights struct {
	// Score multiplies the priority score.
	Score float64
	// Slack is the urgency added per minute closer to the deadline.
	Slack float64
	// Wait is the urgency added per minute of waiting.
	Wait float64
	// Horizon stands in for the deadline of items that have none.
	Horizon time.Duration
}

// Rank returns the time-invariant ranking key of an item. Stores must order
// by exactly this value (a SQL store computes the same expression).
func Rank(w Weights, score float64, deadline, enqueuedAt time.Time) float64 {
	if deadline.IsZero() {
		deadline = enqueuedAt.Add(w.Horizon)
	}
	return w.Score*score - w.Slack*minutes(deadline) - w.Wait*minutes(enqueuedAt)
}

func minutes(t time.Time) float64 { return float64(t.UnixMicro()) / 6e7 }

// Item is one conversation in the queue.
type Item struct {
	// Key identifies the conversation; one item per key.
	Key string
	// Channel, Team and Language are what claim filters match on.
	Channel  string
	Team     string
	Language string
	// Skills are the skills an agent needs to take the item.
	Skills []string
	// Score is the priority score of the conversation.
	Score float64
	// Deadline is the nearest SLA deadline; zero if none.
	Deadline time.Time
	// Rank is the ordering key computed with Rank.
	Rank float64
	// Unanswered counts customer messages since the item was last
	// completed.
	Unanswered int
	// Payload is opaque host data, stored as given.
	Payload []byte
	// EnqueuedAt is when the item started waiting (its first unanswered
	// message).
	EnqueuedAt time.Time
	// UpdatedAt is the time of the last change.
	UpdatedAt time.Time
	// Version increases with every Upsert, so a holder can tell that the
	// conversation changed since it looked.
	Version int64
	// State is the item's state.
	State State
	// Holder, LeaseID and LeaseExpiresAt describe the current lease of a
	// Claimed item.
	Holder         string
	LeaseID        string
	LeaseExpiresAt time.Time
	// SnoozedUntil is when a Snoozed item becomes claimable.
	SnoozedUntil time.Time
	// LastAgent is the agent who last held the item, and LastHeldAt when
	// they let it go; affinity counts from there.
	LastAgent  string
	LastHeldAt time.Time
	// Claims counts how often the item was claimed.
	Claims int
}

// Claimable reports whether the item can be claimed at now, leaving filters
// and affinity aside.
func (it *Item) Claimable(now time.Time) bool {
	switch it.State {
	case Waiting:
		return true
	case Snoozed:
		return !now.Before(it.SnoozedUntil)
	case Claimed:
		return !now.Before(it.LeaseExpiresAt)
	}
	return false
}

// Filter restricts what an agent may claim. An empty field places no
// restriction.
type Filter struct {
	// Channels the agent works.
	Channels []string
	// Teams the agent belongs to.
	Teams []string
	// Languages the agent speaks.
	Languages []string
	// Skills the agent has; an item requires all of its Skills.
	Skills []string
}

// Match reports whether an agent with filter f may take it.
func (f *Filter) Match(it *Item) bool {
	if len(f.Channels) > 0 && !contains(f.Channels, it.Channel) {
		return false
	}
	if len(f.Teams) > 0 && !contains(f.Teams, it.Team) {
		return false
	}
	if len(f.Languages) > 0 && it.Language != "" && !contains(f.Languages, it.Language) {
		return false
	}
	for _, s := range it.Skills {
		if !contains(f.Skills, s) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Agent is an agent as the store knows it.
type Agent struct {
	// ID identifies the agent.
	ID string
	// Capacity is the most items the agent may hold at once; 0 means no
	// limit.
	Capacity int
	// Online reports whether the agent is available. Affinity only holds
	// items for online agents.
	Online bool
	// Since is when Online last changed.
	Since time.Time
}

// UpsertParams adds a customer message to the item with Key.
type UpsertParams struct {
	Key      string
	Channel  string
	Team     string
	Language string
	Skills   []string
	Score    float64
	// Deadline replaces the item's deadline (the caller passes the nearest
	// one).
	Deadline time.Time
	Payload  []byte
	Weights  Weights
	Now      time.Time
	// Unanswered, if positive, is the number of unanswered customer
	// messages the item records, set rather than counted: repeating an
	// Upsert of one conversation state then records the same count (its
	// Version still increases). Zero adds one to the count.
	Unanswered int
}

// ClaimParams asks for the best item Agent may take.
type ClaimParams struct {
	Agent  string
	Filter Filter
	// LeaseID is the id of the new lease, chosen by the caller.
	LeaseID   string
	ExpiresAt time.Time
	// AffinityWindow: an item whose LastAgent is another online agent who
	// let it go less than AffinityWindow ago is reserved for that agent.
	AffinityWindow time.Duration
	Now            time.Time
}

// LeaseRef names a lease.
type LeaseRef struct {
	Key     string
	LeaseID string
	Now     time.Time
}

// ReleaseParams says how a lease ends without completion.
type ReleaseParams struct {
	// Until, if after Now, snoozes the item until then.
	Until time.Time
	// Team, if not empty, moves the item to that team (a transfer).
	Team string
}

// ReassignParams moves an item to another agent under a new lease.
type ReassignParams struct {
	Key string
	// FromLeaseID, if not empty, must be the current lease (a transfer by
	// its holder); if empty, the item is taken whatever its state (a steal
	// or a supervisor's assignment).
	FromLeaseID string
	ToAgent     string
	NewLeaseID  string
	ExpiresAt   time.Time
	Now         time.Time
}

// Stats describe the queue at one instant.
type Stats struct {
	// Waiting counts claimable items by channel and by team.
	WaitingByChannel map[string]int
	WaitingByTeam    map[string]int
	// OldestWaiting is the EnqueuedAt of the oldest claimable item; zero if
	// none.
	OldestWaiting time.Time
	// ClaimsByAgent counts live leases per agent.
	ClaimsByAgent map[string]int
}

// Store keeps items and leases. Each method is atomic. Implementations must
// be safe for concurrent use, including from several processes if they are
// shared. Methods that take a lease fail with ErrLeaseLost when the lease is
// not the item's current, unexpired lease.
//
// Details every Store keeps (the conformance suite checks them):
//
//   - Each call is evaluated at its own Now. Concurrent callers' clocks may
//     arrive slightly out of order; a call with an earlier Now than one
//     already seen still sees the items claimable at its Now, no more.
//   - A lease is live while Now < LeaseExpiresAt; a Snoozed item is
//     claimable from SnoozedUntil on (Item.Claimable). An expired lease
//     needs no sweeping: Claim may take the item at once, recording the old
//     holder as LastAgent and the expiry as LastHeldAt.
//   - Claim checks, in order: the agent is registered (ErrUnknownAgent),
//     it holds fewer than Capacity live leases (ErrAtCapacity), an item
//     matches (ErrNoItem).
//   - Reassign checks ToAgent first (ErrUnknownAgent). With FromLeaseID
//     empty it takes the item in any state, Waiting, Snoozed or Done
//     included (a steal or a supervisor's assignment), and ignores the
//     receiver's capacity.
//   - ReleaseAgent also releases the agent's expired, not yet re-claimed
//     leases; it returns the keys sorted, none (nil) for an unknown agent or
//     one that holds nothing.
//   - Stats maps are never nil; ClaimsByAgent counts live leases only and
//     omits agents with none.
//   - Times may come back in another location and rounded to the store's
//     precision (PostgreSQL keeps microseconds); compare them with Equal.
//     Empty Skills and Payload may come back nil.
type Store interface {
	// PutAgent registers or updates an agent.
	PutAgent(ctx context.Context, a Agent) error
	// GetAgent returns an agent, or ErrUnknownAgent.
	GetAgent(ctx context.Context, id string) (Agent, error)

	// Items are returned by value: the caller owns the copy (its Skills
	// and Payload too), and a store that holds millions of items need not
	// allocate one per call. On error the Item is the zero value.
	//
	// Upsert records a customer message: a new or Done item becomes
	// Waiting with EnqueuedAt = Now and Unanswered = 1; a Waiting or
	// Snoozed item is updated (score, deadline, rank), becomes Waiting and
	// keeps its EnqueuedAt; a Claimed item is updated and stays with its
	// holder. Unanswered and Version increase in every case (Unanswered
	// is set instead when p.Unanswered is positive).
	Upsert(ctx context.Context, p UpsertParams) (Item, error)
	// Claim leases the highest-ranked claimable item that matches the
	// filter and affinity, or returns ErrNoItem. It returns
	// ErrUnknownAgent for an unregistered agent and ErrAtCapacity when the
	// agent holds Capacity unexpired leases.
	Claim(ctx context.Context, p ClaimParams) (Item, error)
	// Extend moves the lease's expiry to expiresAt.
	Extend(ctx context.Context, l LeaseRef, expiresAt time.Time) (Item, error)
	// Complete ends the lease and marks the item Done with Unanswered = 0.
	Complete(ctx context.Context, l LeaseRef) (Item, error)
	// Release ends the lease and puts the item back (Waiting, or Snoozed
	// until p.Until).
	Release(ctx context.Context, l LeaseRef, p ReleaseParams) (Item, error)
	// Reassign gives the item to another agent under a new lease.
	Reassign(ctx context.Context, p ReassignParams) (Item, error)
	// Get returns a copy of the item, or ErrNotFound.
	Get(ctx context.Context, key string) (Item, error)
	// ReleaseAgent puts back every item leased by the agent and returns
	// their keys.
	ReleaseAgent(ctx context.Context, agent string, now time.Time) ([]string, error)
	// Count returns how many claimable items match the filter at now.
	Count(ctx context.Context, f Filter, now time.Time) (int, error)
	// Stats returns depths and claims at now.
	Stats(ctx context.Context, now time.Time) (Stats, error)
}

// IsFinite reports whether v is neither NaN nor infinite.
func IsFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Notifier is implemented by stores that several processes share, so that
// a Claim blocked in one process wakes when another makes an item
// claimable. Notify returns a channel that receives a coalesced value after
// such a change and is closed when ctx ends (or the store stops
// notifying). Notifications are hints: a claimer still polls, since one
// may be lost. queue.Queue uses it when its store implements it.
type Notifier interface {
	Notify(ctx context.Context) <-chan struct{}
}
