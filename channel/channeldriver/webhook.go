package channeldriver

import (
	"net/http"
	"strconv"
	"time"
)

// RateLimitError is returned by adapters when the platform throttled a call
// (HTTP 429 or a platform throttling code). Reset is when the platform says
// the limit resets (X's x-rate-limit-reset, Retry-After, Meta's
// estimated_time_to_regain_access); zero when unknown.
type RateLimitError struct {
	// Reset is when calls may resume; zero when the platform did not say.
	Reset time.Time
	// Err is the underlying platform error, if any.
	Err error
}

// Error says that the platform throttled the call, and until when.
func (e *RateLimitError) Error() string {
	s := "channeldriver: rate limited"
	if !e.Reset.IsZero() {
		s += " until " + e.Reset.UTC().Format(time.RFC3339)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying platform error.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Event is one inbound webhook event after parsing.
type Event struct {
	// ID is the platform's id of the event, used to drop redeliveries. It
	// is unique per platform (tweet id, DM event id, mid, comment id,
	// wamid).
	ID string
	// Type is the platform's event type ("tweet_create_events",
	// "messages", "feed", ...).
	Type string
	// Message is the customer message, or nil when the event carries none
	// the library models (likes, read receipts, unknown types): such
	// events are logged and acknowledged.
	Message *Message
	// Status is a delivery status of a message the brand sent (WhatsApp
	// sent, delivered, read, failed) or a platform error about the
	// account's messages (WhatsApp value.errors), or nil. An event carries
	// a Message or a Status, not both.
	Status *Status
}

// StatusState is the delivery state a Status reports.
type StatusState string

// Status states.
const (
	// StatusSent means the platform sent the message.
	StatusSent StatusState = "sent"
	// StatusDelivered means it reached the customer's device.
	StatusDelivered StatusState = "delivered"
	// StatusRead means the customer read it.
	StatusRead StatusState = "read"
	// StatusFailed means the platform could not deliver it: the message
	// was not sent, whatever the send call returned.
	StatusFailed StatusState = "failed"
	// StatusError is a platform error not tied to one sent message
	// (WhatsApp value.errors); MessageID is empty.
	StatusError StatusState = "error"
)

// Status is a delivery status or error the platform reported
// asynchronously about a message the brand sent.
type Status struct {
	// Channel is the sending account's channel.
	Channel Kind
	// Account is the sending account (the WhatsApp phone number id).
	Account string
	// MessageID is the platform id of the sent message, as in its
	// Receipt.ID (the wamid); empty for StatusError.
	MessageID string
	// State is what happened.
	State StatusState
	// RecipientID is the customer's id (WhatsApp recipient_id).
	RecipientID string
	// ConversationID is the customer's conversation, as inbound messages
	// from RecipientID carry it, when the platform says who the recipient
	// was.
	ConversationID string
	// At is when the platform says it happened.
	At time.Time
	// Errors are the platform's reasons for StatusFailed and StatusError.
	Errors []PlatformError
}

// PlatformError is one error the platform gave for a Status.
type PlatformError struct {
	// Code is the platform's error code (131047: re-engagement needed,
	// outside the window; 131026: undeliverable; ...).
	Code int
	// Title is the platform's short description.
	Title string
	// Detail is the platform's explanation, when it gives one.
	Detail string
}

// SignatureError is returned by Webhook.Verify. Missing reports whether the
// request carried no signature at all (answered 401) rather than a wrong one
// (answered 403).
type SignatureError struct {
	// Missing reports that no signature header was present.
	Missing bool
	// Reason says what was wrong.
	Reason string
}

// Error says why the signature was rejected.
func (e *SignatureError) Error() string { return "channeldriver: bad webhook signature: " + e.Reason }

// Webhook is the platform-specific side of an inbound webhook endpoint.
// Implementations must be safe for concurrent use and must not retain body.
type Webhook interface {
	// Challenge answers a platform's handshake request (X's CRC, Meta's
	// hub.challenge). It reports handled=false when r is not a handshake.
	Challenge(r *http.Request) (status int, contentType string, body []byte, handled bool)
	// Verify checks the request signature over the raw body in constant
	// time. It returns a *SignatureError when the signature is missing or
	// wrong. It is called before Parse.
	Verify(h http.Header, body []byte) error
	// Parse decodes a verified body into events, appending to dst.
	Parse(dst []Event, body []byte) ([]Event, error)
}

// ParseRetryAfter reads a Retry-After header (seconds or HTTP date) relative
// to now; it returns the zero time when absent or malformed.
func ParseRetryAfter(v string, now time.Time) time.Time {
	if v == "" {
		return time.Time{}
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return now.Add(time.Duration(s) * time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return t
	}
	return time.Time{}
}
