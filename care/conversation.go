package care

import (
	"slices"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/sla"
)

// Role says who wrote a turn of a conversation.
type Role uint8

// Roles.
const (
	// Customer turns are inbound messages.
	Customer Role = iota + 1
	// Human turns were sent by a human agent.
	Human
	// BotRole turns were sent by a bot.
	BotRole
	// DeskRole turns were sent by the desk itself (acknowledgements,
	// public notes, delete requests).
	DeskRole
)

// String returns "customer", "agent", "bot" or "desk".
func (r Role) String() string {
	switch r {
	case Customer:
		return "customer"
	case Human:
		return "agent"
	case BotRole:
		return "bot"
	case DeskRole:
		return "desk"
	}
	return "role?"
}

// Turn is one message of a conversation's transcript.
type Turn struct {
	// Role says who wrote it; Agent is the agent's id for Human and
	// BotRole turns.
	Role  Role
	Agent string
	// ID is the platform id (message id or receipt id).
	ID string
	// Text is what was written, signature included.
	Text string
	// Visibility is who could see it.
	Visibility channel.Visibility
	// Channel is where it was written or sent: a conversation's timeline
	// may span a public thread and the private messages it moved to.
	Channel channel.Kind
	// At is when it was received or sent.
	At time.Time
	// Failed is the platform's reason when it reported that a sent turn
	// was not delivered (a WhatsApp failed status); "" otherwise.
	Failed string
	// MaybeSent reports a send whose outcome is unknown: a desk recorded
	// it (Conversation.Sending) and stopped before recording that the
	// platform took it (killed, or its Store failed). It may have reached
	// the customer, so no desk sends it again: an agent checks first. The
	// SLA clock does not count it.
	MaybeSent bool
}

// Sending is a send a desk recorded on the conversation before it went
// out (on a Durable store), until the desk records it as sent (a Turn) or
// not sent. One left past Config.SendTimeout becomes a MaybeSent turn.
type Sending struct {
	// ID identifies the send.
	ID string
	// Desk is the instance that sends it (Config.Instance).
	Desk string
	// Role, Agent, Text, Visibility and Channel are the turn it would be.
	Role       Role
	Agent      string
	Text       string
	Visibility channel.Visibility
	Channel    channel.Kind
	// At is when the desk recorded it.
	At time.Time
}

// HandoffRecord is a bot's handoff of a conversation to a human team.
type HandoffRecord struct {
	// From is the bot's agent id.
	From string
	// Team is the human team that now owns the conversation.
	Team string
	// Note is the bot's summary for the humans.
	Note string
	// At is when it happened.
	At time.Time
	// Transcript is the conversation so far.
	Transcript []Turn
}

// CustomerFacts is what the host knows about a customer, supplied through
// Config.Customers. The scorer and the SLA policies read the same facts:
// Tier and VIP feed both (a VIP without a Tier is tier "vip"),
// LifetimeValue feeds the scorer.
type CustomerFacts struct {
	// Tier is the customer's tier in the host's CRM ("gold", "vip"); ""
	// when unknown. Policies with Tiers match on it; the scorer looks it
	// up in its tier points.
	Tier string
	// LifetimeValue is the customer's value in the host's currency units;
	// 0 when unknown.
	LifetimeValue float64
	// VIP flags a valuable customer (an explicit VIP note), like
	// Config.VIPs.
	VIP bool
}

// Conversation is the desk's view of one conversation. The Store owns it:
// the desk reads it from the Store for every operation and writes each
// change back as a new Version.
type Conversation struct {
	// Key identifies the conversation in the queue:
	// "channel:account:conversation".
	Key string
	// Channel and Account are where the conversation started.
	Channel channel.Kind
	Account string
	// Aliases are the other conversation keys whose messages join this
	// conversation: the private conversation a public one moved to (the
	// platform links them) and keys the host linked (Desk.Link). One
	// customer, one timeline.
	Aliases []string
	// LinkedTo is set on an alias record only: the key of the
	// conversation the alias joins. Alias records are resolved, never
	// open, and are kept as long as a resolved conversation.
	LinkedTo string
	// Version is the Store's version of the conversation: 0 before its
	// first save, then one more with every save. A save that does not
	// start from the stored version fails with ErrConflict, so that two
	// writers never lose either's update.
	Version int64
	// Messages are the customer messages, oldest first.
	Messages []channel.Message
	// Transcript is every turn, customer's and brand's, oldest first.
	Transcript []Turn
	// Customer is what the host said about the customer (Config.Customers)
	// when the current cycle began.
	Customer CustomerFacts
	// Score is the highest score among the unanswered messages.
	Score priority.Score
	// Band is Score's band (Config.Bands), which policies may match.
	Band string
	// Policy is the SLA policy of the current cycle (the first of
	// Config.Policies that matches the channel, band, tier and team), with
	// its feedback loop's own deadlines. The deadlines themselves are the
	// SLA clock's (Desk.Deadlines), which pauses exclude.
	Policy sla.Policy
	// Cycle numbers the conversation's cycles: 1 for the first, one more
	// each time a customer writes to a resolved conversation. A cycle gets
	// at most one automatic acknowledgement.
	Cycle int
	// Since is when the current cycle started; zero when resolved.
	Since time.Time
	// ResolvedAt is when the conversation was last resolved; zero while a
	// cycle is open. Retention counts from it.
	ResolvedAt time.Time
	// AcknowledgedAt is when the brand first answered in this cycle; zero
	// if it has not.
	AcknowledgedAt time.Time
	// AutoAcknowledged reports that the desk sent the automatic
	// acknowledgement.
	AutoAcknowledged bool
	// Routing is the feedback-loop decision of the current cycle.
	Routing *Decision
	// Team is the queue team the conversation is enqueued with.
	Team string
	// Informed are the loops told about this cycle without answering the
	// customer (the routing's Decision.Inform), each once.
	Informed []string
	// Escalations counts the escalation steps fired in this cycle, and
	// EscalatedTo names the last one's target.
	Escalations int
	EscalatedTo string
	// PublicPII is the personal data the customer posted in public.
	PublicPII []PII
	// DeleteRequested reports that the customer was asked to delete it.
	DeleteRequested bool
	// Handoff is set once a bot handed the conversation to humans, until
	// it is resolved.
	Handoff *HandoffRecord
	// FirstResponded reports that an agent has replied in this cycle.
	FirstResponded bool
	// Unanswered counts the customer messages of this cycle since the
	// brand last wrote; the queue item and the scorer read it.
	Unanswered int
	// CycleStart is the index in Transcript of the customer turn that
	// opened the current cycle. The desk rebuilds the cycle's SLA clock
	// from Policy, Since and the turns from CycleStart on; a positive
	// CycleStart means the cycle reopened a resolved conversation.
	CycleStart int
	// SLAPauses are the intervals of the current cycle during which its
	// SLA clock was paused (a Boomerang), oldest first; the last one's To
	// is zero while the clock is paused.
	SLAPauses []SLAPause
	// Sending are the sends a desk has recorded and not yet settled (see
	// Sending); a reply waits while one is in flight.
	Sending []Sending
}

// SLAPause is an interval during which a conversation's SLA clock was
// paused. FromTurn and ToTurn are the number of Transcript turns at its
// start and end, so that the clock can be rebuilt exactly.
type SLAPause struct {
	From, To         time.Time
	FromTurn, ToTurn int
}

// Open reports whether the conversation has an open cycle.
func (c *Conversation) Open() bool { return !c.Since.IsZero() }

// Last returns the newest customer message.
func (c *Conversation) Last() channel.Message { return c.Messages[len(c.Messages)-1] }

// clone returns a deep copy of c: stores hand out and keep copies, never
// shared slices. The policy's calendar, which is immutable, is shared. The
// string slices (the policy's criteria, Aliases, Informed) share one new
// array, each capped (see carve).
func (c *Conversation) clone() Conversation {
	cp := *c
	cp.Messages = cloneMessages(c.Messages)
	cp.Transcript = append(make([]Turn, 0, len(c.Transcript)), c.Transcript...)
	p := &cp.Policy
	strs := make([]string, 0, len(p.Channels)+len(p.Bands)+len(p.Tiers)+len(p.Teams)+len(c.Aliases)+len(c.Informed))
	p.Channels, strs = carve(p.Channels, strs)
	p.Bands, strs = carve(p.Bands, strs)
	p.Tiers, strs = carve(p.Tiers, strs)
	p.Teams, strs = carve(p.Teams, strs)
	cp.Aliases, strs = carve(c.Aliases, strs)
	cp.Informed, _ = carve(c.Informed, strs)
	cp.Score.Reasons = slices.Clone(c.Score.Reasons)
	cp.PublicPII = slices.Clone(c.PublicPII)
	cp.SLAPauses = slices.Clone(c.SLAPauses)
	cp.Sending = slices.Clone(c.Sending)
	if c.Routing != nil {
		cp.Routing = cloneDecision(c.Routing)
	}
	if c.Handoff != nil {
		h := *c.Handoff
		h.Transcript = slices.Clone(h.Transcript)
		cp.Handoff = &h
	}
	return cp
}

// Clone returns a deep copy of c, for Store implementations.
func (c *Conversation) Clone() Conversation { return c.clone() }

// Intake is what Ingest did with a message.
type Intake struct {
	// Key is the conversation's queue key.
	Key string
	// Score is the message's score.
	Score priority.Score
	// Deadlines are the conversation's deadlines after the message, from
	// its SLA clock.
	Deadlines sla.Deadlines
	// Routing is the conversation's feedback-loop decision.
	Routing Decision
	// PII is the personal data found in the message if it was public.
	PII []PII
	// Duplicate reports a message the desk had already taken; nothing
	// changed.
	Duplicate bool
}
