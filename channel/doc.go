// Package channel is the message model and the portable types that the rest
// of socialcare uses to talk to customers on X, Facebook, Instagram,
// Messenger, WhatsApp, e-mail and chat.
//
// A Channel (New, or Open with a *Config) wraps a platform adapter (a
// channeldriver.Adapter: memchannel, xchannel, metachannel) and owns what
// every platform needs once: validation of an outbound message against the
// adapter's declared Capabilities (length, public reply, private message,
// private reply to a comment, messaging window) before any I/O; a client
// rate limit per account and endpoint (golang.org/x/time/rate); retries of
// retryable errors with exponential backoff (cenkalti/backoff) and of
// rate-limited errors after the platform's reset time; and the mapping of
// adapter errors to the sentinel errors of this package (ErrRetryable,
// ErrRateLimited, ErrPermission, ErrInvalid, ErrWindowClosed,
// ErrUnsupported), which callers test with errors.Is. Rate-limit errors also
// carry a *RateLimitError with the reset time (errors.As).
//
// A Receiver (NewReceiver) is the inbound side: an http.Handler for one
// platform's webhook. It answers the platform's handshake, limits the body
// size, verifies the signature over the raw body in constant time before
// parsing (401 unsigned, 403 wrong), drops redeliveries by platform event id
// for at least 36 hours (a DedupStore; MemDedup by default), logs and
// acknowledges event types it does not model, and pushes each new message to
// a Sink, a function the host (usually care.Desk.Ingest) provides.
//
// The model types (Message, Author, Outbound, Kind, Visibility,
// Capabilities) are defined in channeldriver so that adapters can use them
// without importing this package; the aliases here are what applications
// write.
package channel
