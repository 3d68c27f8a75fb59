package care

import (
	"strconv"
	"time"

	"github.com/socialcare/socialcare/sla"
)

// EventKind is what happened at the desk.
type EventKind uint8

// Event kinds. Arrived, Acknowledged, FirstResponse, Replied and Resolved
// map one to one onto the analytics package's kinds.
const (
	// Arrived: a customer message arrived (Detail: the message id).
	Arrived EventKind = iota + 1
	// Acknowledged: the customer heard from the brand for the first time
	// in this cycle; Auto reports the automatic "you've been heard".
	Acknowledged
	// FirstResponse: an agent's first reply of the cycle.
	FirstResponse
	// Replied: a later agent reply.
	Replied
	// Resolved: the conversation was resolved.
	Resolved
	// Routed: the conversation was routed to a feedback loop (Loop, Team,
	// Detail: the decision explained).
	Routed
	// Escalated: a loop's deadline passed; Detail names who is told and
	// Team the team the conversation moved to (if it was waiting).
	Escalated
	// Handoff: a bot handed the conversation to a human team.
	Handoff
	// MentionCaught: an untagged or misspelled brand mention (Mention).
	MentionCaught
	// Spike: a topic spiked (Spike).
	Spike
	// MovedPrivate: a reply went private because of personal data (Detail
	// says why); a public note may have been left.
	MovedPrivate
	// DeleteRequested: a customer who posted personal data in public was
	// asked privately to delete it.
	DeleteRequested
	// Flagged: a guard flagged a reply that was sent (Flags).
	Flagged
	// Blocked: a guard blocked a reply or a scheduled message (Detail).
	Blocked
	// FollowUpDue: a Boomerang came due for its agent (Agent).
	FollowUpDue
	// FollowUpSent: a scheduled proactive message was sent.
	FollowUpSent
	// WaitPublished: the expected wait times were published.
	WaitPublished
	// SLAWarning: a share of the business time of one of an open
	// conversation's SLA targets has passed (SLA: the target, the share,
	// the deadline; Config.SLAWarnings sets the shares). Emitted by Tick,
	// once per target cycle and share.
	SLAWarning
	// SLABreach: an open conversation's SLA target passed its deadline
	// unmet (SLA). Emitted by Tick, once per target cycle; never after the
	// conversation is resolved.
	SLABreach
	// AssignmentExpired: an agent held a conversation past Config.MaxHold
	// without acting on it; the desk let it go back to the queue.
	AssignmentExpired
	// WindowClosed: a message could not go out because the platform's
	// messaging window had closed and no fallback (Config.OutsideWindow)
	// applied (Detail says which window).
	WindowClosed
	// Informed: a feedback loop is told about a conversation another
	// loop answers (Decision.Inform): Loop and Team name it, Detail the
	// rule, the reasons and by when it should act. Once per loop and
	// cycle; the informed loop never answers the customer.
	Informed
	// DeliveryFailed: the platform reported that a message the desk sent
	// was not delivered (Detail: the platform's reason); its Turn is
	// marked Failed.
	DeliveryFailed
	// MaybeSent: a send a desk recorded was never recorded as sent or
	// failed within Config.SendTimeout (the desk was killed, or its Store
	// failed after the platform took it). Its turn is marked MaybeSent and
	// Detail quotes it; no desk sends it again: an agent checks the
	// platform, then replies (ReplyOptions.Confirmed) or resolves.
	MaybeSent
)

var kindNames = [...]string{"", "arrived", "acknowledged", "first_response", "replied", "resolved", "routed", "escalated",
	"handoff", "mention_caught", "spike", "moved_private", "delete_requested", "flagged", "blocked", "follow_up_due",
	"follow_up_sent", "wait_published", "sla_warning", "sla_breach", "assignment_expired", "window_closed", "informed", "delivery_failed",
	"maybe_sent"}

// String returns the kind's name in lower case, e.g. "first_response".
func (k EventKind) String() string {
	if int(k) > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one thing that happened at the desk, reported to Config.OnEvent.
type Event struct {
	// Kind is what happened.
	Kind EventKind
	// At is the desk clock's time.
	At time.Time
	// Key is the conversation; "" for events about no conversation
	// (spikes, wait times, mentions observed outside conversations).
	Key string
	// Channel is the conversation's channel kind.
	Channel string
	// Agent is the agent who acted; "" for the customer and the desk.
	Agent string
	// Auto reports an automatic action of the desk (an acknowledgement).
	Auto bool
	// Loop and Team are the feedback loop and queue team concerned.
	Loop, Team string
	// Detail says more, for people.
	Detail string
	// Flags are the guard findings of a Flagged event.
	Flags []Flag
	// Mention is set on MentionCaught.
	Mention *Mention
	// Spike is set on Spike.
	Spike *TopicSpike
	// Waits is set on WaitPublished.
	Waits []WaitEstimate
	// SLA is set on SLAWarning and SLABreach.
	SLA *SLAAlert
	// Measurements are the SLA clock's measurements the step completed (on
	// Acknowledged, FirstResponse, Replied and Resolved): the same ones
	// Desk.Attainment counts, passed on to analytics by Event.Analytics.
	Measurements []sla.Measurement
}
