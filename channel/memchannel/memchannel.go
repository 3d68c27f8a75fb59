// Package memchannel is an in-memory channel adapter for tests and demos.
//
// An Adapter records every message sent through it, delivers scripted
// inbound messages to a channel.Sink in the order of their ReceivedAt, and
// can be told to fail the next sends with a chosen error kind (FailNext) or
// to throttle them with a reset time (RateLimitNext). It declares
// configurable Capabilities and so behaves, for the portable channel layer,
// like a real platform. It is safe for concurrent use.
package memchannel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
)

// Config configures an Adapter. The zero value is usable.
type Config struct {
	// Account is the brand account id. Defaults to "brand".
	Account string
	// Capabilities declares what the adapter can do. Defaults to public
	// replies, private messages and private replies to comments,
	// attachments with captions, 280 characters for X and no limit for
	// other kinds.
	Capabilities *channeldriver.Capabilities
	// Now is the fake platform's clock: it stamps receipts and, through
	// channeldriver.Clock, drives the rate limiter and retry backoff of a
	// channel.Channel opened on the adapter. Defaults to time.Now; tests
	// pass a virtual clock.
	Now func() time.Time
	// Sleep is how a channel.Channel on the adapter waits (rate limits,
	// backoff between retries). Defaults to returning at once, after
	// checking ctx: the fake never waits in real time. The waits are
	// added up in Waited. A test whose virtual clock can move passes a
	// Sleep that advances it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Sent is one message the adapter accepted.
type Sent struct {
	channeldriver.Outbound
	Receipt channeldriver.Receipt
}

// InjectedError is returned by Send for failures injected with FailNext.
type InjectedError struct {
	Kind channeldriver.ErrorKind
}

// Error names the injected kind.
func (e *InjectedError) Error() string {
	return "memchannel: injected failure (kind " + strconv.Itoa(int(e.Kind)) + ")"
}

type failure struct {
	kind  channeldriver.ErrorKind
	reset time.Time
}

// Adapter is an in-memory channeldriver.Adapter.
type Adapter struct {
	kind    channeldriver.Kind
	account string
	caps    channeldriver.Capabilities
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	waited  time.Duration
	sent    []Sent
	inbound []channeldriver.Message
	fail    []failure
	seq     int
}

var (
	_ channeldriver.Adapter = (*Adapter)(nil)
	_ channeldriver.Clock   = (*Adapter)(nil)
)

// New returns an in-memory adapter for the given channel kind. cfg may be
// nil.
func New(kind channeldriver.Kind, cfg *Config) (*Adapter, error) {
	if kind == "" {
		return nil, errors.New("memchannel: New: empty channel kind")
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Account == "" {
		c.Account = "brand"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	caps := channeldriver.Capabilities{PublicReply: true, PrivateMessage: true, PrivateReplyToComment: true, Attachments: true, AttachmentCaption: true}
	if kind == channeldriver.X {
		caps.MaxTextLen = 280
	}
	if c.Capabilities != nil {
		caps = *c.Capabilities
	}
	if caps.MaxTextLen < 0 {
		return nil, fmt.Errorf("memchannel: New: negative MaxTextLen %d", caps.MaxTextLen)
	}
	return &Adapter{kind: kind, account: c.Account, caps: caps, now: c.Now, sleep: c.Sleep}, nil
}

// Now implements channeldriver.Clock: it reads Config.Now.
func (a *Adapter) Now() time.Time { return a.now() }

// Sleep implements channeldriver.Clock: it adds d to Waited and calls
// Config.Sleep, which by default returns at once. It returns ctx.Err()
// when ctx is done.
func (a *Adapter) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		a.mu.Lock()
		a.waited += d
		a.mu.Unlock()
	}
	if a.sleep != nil {
		return a.sleep(ctx, d)
	}
	return ctx.Err()
}

// Waited returns the total time a channel.Channel on the adapter has
// waited through Sleep (rate limits and retry backoff), on the fake's
// clock.
func (a *Adapter) Waited() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.waited
}

// Kind implements channeldriver.Adapter.
func (a *Adapter) Kind() channeldriver.Kind { return a.kind }

// Account implements channeldriver.Adapter.
func (a *Adapter) Account() string { return a.account }

// Capabilities implements channeldriver.Adapter.
func (a *Adapter) Capabilities() channeldriver.Capabilities { return a.caps }

// Send implements channeldriver.Adapter: it records m and returns a receipt
// with a sequential id, or the next injected failure.
func (a *Adapter) Send(ctx context.Context, m *channeldriver.Outbound) (channeldriver.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channeldriver.Receipt{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.fail) > 0 {
		f := a.fail[0]
		a.fail = a.fail[1:]
		ie := &InjectedError{Kind: f.kind}
		if f.kind == channeldriver.RateLimited {
			return channeldriver.Receipt{}, &channeldriver.RateLimitError{Reset: f.reset, Err: ie}
		}
		return channeldriver.Receipt{}, ie
	}
	a.seq++
	r := channeldriver.Receipt{ID: string(a.kind) + "-out-" + strconv.Itoa(a.seq), SentAt: a.now()}
	out := *m
	out.Attachments = slices.Clone(m.Attachments) // the caller may reuse its slice
	a.sent = append(a.sent, Sent{Outbound: out, Receipt: r})
	return r, nil
}

// ErrorKind implements channeldriver.Adapter.
func (a *Adapter) ErrorKind(err error) channeldriver.ErrorKind {
	var rl *channeldriver.RateLimitError
	if errors.As(err, &rl) {
		return channeldriver.RateLimited
	}
	var ie *InjectedError
	if errors.As(err, &ie) {
		return ie.Kind
	}
	return channeldriver.Unknown
}

// FailNext makes the next len(kinds) sends fail, in order, with errors of
// the given kinds. A RateLimited failure is a *channeldriver.RateLimitError
// without a reset time.
func (a *Adapter) FailNext(kinds ...channeldriver.ErrorKind) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range kinds {
		a.fail = append(a.fail, failure{kind: k})
	}
}

// RateLimitNext makes the next send fail with a
// *channeldriver.RateLimitError that says the limit resets at reset, as a
// platform's 429 with a reset header would.
func (a *Adapter) RateLimitNext(reset time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.fail = append(a.fail, failure{kind: channeldriver.RateLimited, reset: reset})
}

// Sent returns a copy of every message sent so far, oldest first.
func (a *Adapter) Sent() []Sent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Sent(nil), a.sent...)
}

// Script queues inbound messages for delivery. Messages without Channel or
// Account get the adapter's; messages without an ID get a sequential one.
func (a *Adapter) Script(msgs ...channeldriver.Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range msgs {
		if m.Channel == "" {
			m.Channel = a.kind
		}
		if m.Account == "" {
			m.Account = a.account
		}
		if m.ID == "" {
			a.seq++
			m.ID = string(a.kind) + "-in-" + strconv.Itoa(a.seq)
		}
		a.inbound = append(a.inbound, m)
	}
	sort.SliceStable(a.inbound, func(i, j int) bool { return a.inbound[i].ReceivedAt.Before(a.inbound[j].ReceivedAt) })
}

// Pending returns the number of scripted messages not yet delivered.
func (a *Adapter) Pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.inbound)
}

// DeliverDue hands every scripted message received at or before now to
// sink, oldest first, and returns how many it delivered. It stops at the
// first error the sink returns; that message stays scripted so that a
// later call redelivers it, as a platform would.
func (a *Adapter) DeliverDue(ctx context.Context, now time.Time, sink channel.Sink) (int, error) {
	if sink == nil {
		return 0, errors.New("memchannel: DeliverDue: nil sink")
	}
	n := 0
	for {
		a.mu.Lock()
		if len(a.inbound) == 0 || a.inbound[0].ReceivedAt.After(now) {
			a.mu.Unlock()
			return n, nil
		}
		m := a.inbound[0]
		a.mu.Unlock()
		if err := sink(ctx, m); err != nil {
			return n, fmt.Errorf("memchannel: deliver %s: %w", m.ID, err)
		}
		a.mu.Lock()
		if len(a.inbound) > 0 && a.inbound[0].ID == m.ID {
			a.inbound = a.inbound[1:]
		}
		a.mu.Unlock()
		n++
	}
}
