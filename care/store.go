package care

import (
	"context"
	"errors"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Store errors. Stores return them (wrapped or not); test with errors.Is.
var (
	// ErrConflict means a conversation was saved from a version that is
	// no longer the stored one: another writer changed it first. Nothing
	// was written; reload and apply the change again.
	ErrConflict = errors.New("care: conversation changed in the store (version conflict)")
	// ErrDuplicate means a save carried a dedup key that is already
	// marked: the message was taken before. Nothing was written.
	ErrDuplicate = errors.New("care: message already taken")
)

// FollowUpKind says what a follow-up does when it comes due.
type FollowUpKind uint8

// Follow-up kinds.
const (
	// Boomerang returns the conversation to its agent.
	Boomerang FollowUpKind = iota + 1
	// Proactive sends a scheduled message, through the reply guards.
	Proactive
)

// FollowUp is a Boomerang or a scheduled proactive message.
type FollowUp struct {
	// ID identifies the follow-up.
	ID string
	// Kind is what it does.
	Kind FollowUpKind
	// Key is the conversation.
	Key string
	// Agent is the agent it returns to (Boomerang) or who signs it
	// (Proactive).
	Agent string
	// At is when it comes due.
	At time.Time
	// Text is the message of a Proactive follow-up, unsigned.
	Text string
	// Intent, if set, is checked against the approved answer when sent.
	Intent string
	// Note is the agent's reminder to themselves.
	Note string
	// Notified reports that a FollowUpDue event was emitted for it.
	Notified bool
}

// SeenKey is a dedup key saved with a conversation: the message it names
// is taken, until Expires.
type SeenKey struct {
	Key     string
	Expires time.Time
}

// PurgeParams say what a Store may forget.
type PurgeParams struct {
	// ResolvedBefore: conversations resolved (and not reopened) before
	// it are deleted, with their acknowledgement marks and follow-ups.
	ResolvedBefore time.Time
	// Now: dedup keys that expired before it are deleted.
	Now time.Time
	// Limit is the most records of each kind deleted in one call; 0 means
	// no limit.
	Limit int
}

// Purged counts what a Purge deleted.
type Purged struct {
	Conversations, SeenKeys int
}

// Store keeps the desk's state that must survive a restart or be shared by
// several desk instances: conversations (each save a new version), the
// dedup keys of the messages taken, acknowledgements sent and follow-ups.
// Every method is atomic; implementations must be safe for concurrent use.
// MemStore is the in-memory implementation.
type Store interface {
	// Conversation returns a copy of the conversation with key, or an
	// error wrapping ErrUnknownConversation.
	Conversation(ctx context.Context, key string) (Conversation, error)
	// SaveConversation writes c, atomically with marking seen: it fails
	// with ErrConflict unless the stored version is c.Version (0 for a
	// conversation not stored yet), and with ErrDuplicate if one of seen
	// is marked and unexpired at now; either way nothing is written. On
	// success c.Version is one more and the store holds a copy.
	SaveConversation(ctx context.Context, c *Conversation, seen []SeenKey, now time.Time) error
	// Seen reports whether the dedup key is marked and unexpired at now.
	Seen(ctx context.Context, key string, now time.Time) (bool, error)
	// OpenConversations returns copies of the conversations with an open
	// cycle, in key order, for a desk that starts (Desk.Restore).
	OpenConversations(ctx context.Context) ([]Conversation, error)
	// MarkAcknowledged records the automatic acknowledgement of cycle
	// cycle of the conversation key and returns true only for the first
	// call with that key and cycle, so that a cycle is acknowledged at
	// most once, even by several desks.
	MarkAcknowledged(ctx context.Context, key string, cycle int, at time.Time) (bool, error)
	// PutFollowUp saves or replaces a follow-up.
	PutFollowUp(ctx context.Context, f FollowUp) error
	// TakeFollowUp deletes a follow-up and reports whether it existed, so
	// that exactly one taker acts on it.
	TakeFollowUp(ctx context.Context, id string) (bool, error)
	// FollowUps returns the follow-ups due at or before until, oldest
	// first.
	FollowUps(ctx context.Context, until time.Time) ([]FollowUp, error)
	// Purge deletes what retention allows (see PurgeParams). Its cost is
	// in proportion to what it deletes, not to what it keeps.
	Purge(ctx context.Context, p PurgeParams) (Purged, error)

	// Mark marks k.Key until k.Expires, unless it is marked and unexpired
	// at now, and reports whether this call marked it: of several desks
	// marking one key, one gets true. The desk marks each SLA alert and
	// each wait-time publication with it, so that each happens once across
	// desks. Purge deletes marks once expired, as dedup keys (it may keep
	// them with the dedup keys, whose names never start with "care/").
	Mark(ctx context.Context, k SeenKey, now time.Time) (bool, error)
	// Cursor returns a position in the feed of saves: Changes(ctx, cursor,
	// …) reports every save that commits after Cursor returned.
	Cursor(ctx context.Context) (int64, error)
	// Changes reports the conversations saved from position after on, at
	// most limit, each with its version at the time of the call, and the
	// position to read from next. A save may be reported more than once
	// (readers act on the version, so a repeat is harmless) but none that
	// commits after Cursor or a previous Changes returned the position is
	// missed, though a store may report a save only once the transactions
	// older than it have ended. The desk that runs the timed work follows it
	// to learn of the conversations other desks changed.
	Changes(ctx context.Context, after int64, limit int) ([]Change, int64, error)
	// Lead takes or renews the lease name for holder until now+ttl, if no
	// other holder's lease on it runs at now, and reports whether holder
	// holds it. Desks sharing a Store elect with it the one that runs the
	// timed work (Desk.Tick), so that it is done once.
	Lead(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
}

// Change is one save of a conversation, as Store.Changes reports it.
type Change struct {
	// Key is the conversation's key.
	Key string
	// Version is its version when Changes read it.
	Version int64
	// Open reports whether it had an open cycle then.
	Open bool
}

// BoomerangLister is implemented by a Store that reads one agent's due
// Boomerangs alone (an index on agent and time, as care/pgcare has). The
// desk's Next, which looks for the agent's due Boomerangs before it
// claims, then reads only those, instead of every due follow-up of every
// agent (FollowUps).
type BoomerangLister interface {
	// Boomerangs returns the Boomerangs of agent due at or before until,
	// oldest first (by time, then ID), as FollowUps orders them.
	Boomerangs(ctx context.Context, agent string, until time.Time) ([]FollowUp, error)
}

// Durable is implemented by a Store whose state outlives the process (a
// database, as care/pgcare). The desk then records each send on the
// conversation before it goes out (Conversation.Sending), so that a desk
// killed between the platform's accept and the record of the send leaves a
// trace that another desk turns into a "may have been sent" turn
// (Turn.MaybeSent, a MaybeSent event) instead of sending again.
type Durable interface {
	Store
	// Durable reports whether the store outlives the process.
	Durable() bool
}

// QueueCommitter is implemented by a Store that can enqueue a conversation
// in the transaction that saves it (care/pgcare with its Config.Queue set
// to the desk's queue store). The desk then takes a message in one
// transaction: the dedup key, the conversation and the queue item commit
// together or not at all; and it resolves a conversation and completes its
// queue item in one. Without it, the desk enqueues first (an absolute
// state, so a retry records the same) and then saves, and completes, then
// saves.
type QueueCommitter interface {
	// CommitsQueue reports whether SaveConversationQueued may be used.
	CommitsQueue() bool
	// SaveConversationQueued is SaveConversation and the queue's upsert of
	// item (queue.Queue.UpsertParams), in one transaction.
	SaveConversationQueued(ctx context.Context, c *Conversation, seen []SeenKey, now time.Time, item queuedriver.UpsertParams) error
	// SaveConversationCompleted is SaveConversation and the queue's
	// completion of lease, in one transaction: a resolution. It returns the
	// item as completed; it fails with queuedriver.ErrLeaseLost (and writes
	// nothing) when lease is no longer the item's.
	SaveConversationCompleted(ctx context.Context, c *Conversation, now time.Time, lease queuedriver.LeaseRef) (queuedriver.Item, error)
}
