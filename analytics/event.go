package analytics

import (
	"errors"
	"strconv"
	"time"

	"github.com/socialcare/socialcare/sla"
)

// ErrInvalid is wrapped by every error about a bad argument: a constructor's
// configuration (ErrInvalidConfig) and an event Ingest cannot use
// (ErrInvalidEvent). Test for it, or for the narrower two, with errors.Is.
var ErrInvalid = errors.New("analytics: invalid argument")

// ErrInvalidEvent is wrapped by the errors Ingest returns for an event it
// cannot use. It wraps ErrInvalid. Test for it with errors.Is.
var ErrInvalidEvent error = &invalidError{"analytics: invalid event"}

// ErrInvalidConfig is wrapped by the errors constructors return for a bad
// configuration. It wraps ErrInvalid. Test for it with errors.Is.
var ErrInvalidConfig error = &invalidError{"analytics: invalid config"}

// invalidError is a narrower kind of ErrInvalid.
type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }
func (e *invalidError) Unwrap() error { return ErrInvalid }

// Kind is what happened in a conversation. The zero value is invalid.
type Kind uint8

// Event kinds, in the order they usually happen.
const (
	// Arrived: a customer's message arrived. The first one opens the
	// conversation; later ones wait for the brand's next reply.
	Arrived Kind = iota + 1
	// Acknowledged: the brand acknowledged the customer ("you've been
	// heard"), automatically or by an agent.
	Acknowledged
	// FirstResponse: an agent's first substantive reply.
	FirstResponse
	// Replied: any later agent reply. A Replied with no FirstResponse
	// before it counts as the first response.
	Replied
	// Resolved: the conversation was resolved.
	Resolved
)

// String returns the kind's name in lower case, e.g. "first_response".
func (k Kind) String() string {
	switch k {
	case Arrived:
		return "arrived"
	case Acknowledged:
		return "acknowledged"
	case FirstResponse:
		return "first_response"
	case Replied:
		return "replied"
	case Resolved:
		return "resolved"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one thing that happened in a conversation, as the desk reports
// it. Analytics never imports the desk: the desk (or a host application)
// translates its own events into these.
type Event struct {
	// Kind is what happened. Required.
	Kind Kind
	// Conversation identifies the conversation. Required.
	Conversation string
	// Channel is the channel kind ("x", "facebook", "messenger", ...). The
	// first non-empty Channel of a conversation is kept; "" is reported as
	// "unknown".
	Channel string
	// Agent is the agent who acted (replies, resolutions); "" for the
	// customer or an automatic acknowledgement.
	Agent string
	// At is when it happened. Required (non-zero).
	At time.Time
	// OffChannel, on a Resolved event, reports that the customer had to
	// leave the social channel (phone, e-mail, a store) for the
	// resolution. The zero value means resolved inside the channel.
	OffChannel bool
	// SLA are the measurements of the conversation's SLA clock that this
	// event completed, when the event comes from a desk that keeps one
	// (care.Event.Analytics sets them): acknowledge on the first reply,
	// resolve on the resolution, in the policy's business time. The
	// report's AcknowledgeSLA and ResolveSLA then count them, so that the
	// report and the desk agree; without them the report measures the
	// events' wall-clock times against Config.Policies.
	SLA []sla.Measurement
}
