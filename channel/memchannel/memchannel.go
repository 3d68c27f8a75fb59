// Package memchannel is an in-memory channel adapter for tests and demos.
//
// An Adapter records every message sent through it, delivers scripted
// inbound messages to a channel.Sink in the order of their ReceivedAt, and
// can be told to fail the next sends with a chosen error kind (FailNext) or
// to throttle them with a reset time (RateLimitNext). It is safe for
// concurrent use.
//
// The fake behaves like the platform its kind stands for. It declares that
// platform's Capabilities (Profile: the same profiles as xchannel and
// metachannel declare) and, like the platform, refuses with a *RefusedError
// a send that breaks them, even one that bypasses the portable channel: a
// public reply on Messenger or WhatsApp, a private reply to a comment on X,
// a second private reply to one comment, a private reply after 7 days, a
// direct message outside the messaging window (unless tagged or a
// template), text over the length limit. It learns when customers wrote
// from the messages it is given (Script, Record) and from the Outbound's
// LastCustomerMessageAt and InReplyToAt. Time is Config.Now: windows,
// the optional platform rate limit (Config.Rate) and the waits of a
// channel.Channel on the fake follow it, and the fake never waits in real
// time.
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
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/metachannel"
	"github.com/socialcare/socialcare/channel/xchannel"
)

// Profile returns the Capabilities the fake declares for kind when
// Config.Capabilities is nil: xchannel.SurfaceCapabilities for X,
// metachannel.SurfaceCapabilities for Messenger, Facebook, Instagram and
// WhatsApp, and for any other kind public replies, private messages,
// private replies, attachments with captions and no limits or windows.
func Profile(kind channeldriver.Kind) channeldriver.Capabilities {
	if kind == channeldriver.X {
		return xchannel.SurfaceCapabilities()
	}
	if caps, ok := metachannel.SurfaceCapabilities(kind); ok {
		return caps
	}
	return channeldriver.Capabilities{PublicReply: true, PrivateMessage: true, PrivateReplyToComment: true, Attachments: true, AttachmentCaption: true}
}

// Config configures an Adapter. The zero value is usable.
type Config struct {
	// Account is the brand account id. Defaults to "brand".
	Account string
	// Capabilities declares what the adapter can do, and the fake
	// enforces them. Defaults to Profile(kind).
	Capabilities *channeldriver.Capabilities
	// Strict makes the fake refuse, as the platform would, a direct
	// message to a customer it has no record of (Script, Record) and a
	// private reply to a comment it has no record of, when the Outbound
	// gives no LastCustomerMessageAt or InReplyToAt either. Defaults to
	// false: unknown means allowed, so that tests that hand messages to a
	// desk directly still work.
	Strict bool
	// Rate and Burst are the platform's own rate limit, measured on Now:
	// a send beyond it fails with a *channeldriver.RateLimitError whose
	// Reset is when a send is allowed again. Defaults to 0: no limit.
	Rate  rate.Limit
	Burst int
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
	// KeepSent is the most sent messages Sent returns, the newest; older
	// ones are dropped, so that a long-running fake stays bounded.
	// Defaults to 0: keep every one.
	KeepSent int
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

	strict  bool
	keep    int
	limiter *rate.Limiter

	mu      sync.Mutex
	waited  time.Duration
	sent    []Sent
	inbound []channeldriver.Message
	fail    []failure
	seq     int
	// wrote is when each customer last wrote privately; items is when
	// each public item was written and by whom; replied holds the items
	// that had their one private reply.
	wrote   map[string]time.Time
	items   map[string]item
	replied map[string]bool
}

type item struct {
	at     time.Time
	author string
}

// RefusedError is returned by Send for a message the fake platform does
// not allow (see the package doc). Kind is how the adapter classifies it:
// WindowClosed for a closed window or a used private reply, Invalid
// otherwise.
type RefusedError struct {
	Kind   channeldriver.ErrorKind
	Reason string
}

// Error says why the platform refused the message.
func (e *RefusedError) Error() string { return "memchannel: platform refused the message: " + e.Reason }

var (
	_ channeldriver.Adapter = (*Adapter)(nil)
	_ channeldriver.Clock   = (*Adapter)(nil)
)

// New returns an in-memory adapter for the given channel kind. cfg may be
// nil.
func New(kind channeldriver.Kind, cfg *Config) (*Adapter, error) {
	if kind == "" {
		return nil, fmt.Errorf("%w: memchannel: New: empty channel kind; pass one such as channel.X or channel.Messenger", channel.ErrInvalid)
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
	caps := Profile(kind)
	if c.Capabilities != nil {
		caps = *c.Capabilities
	}
	if caps.MaxTextLen < 0 || caps.MessagingWindow < 0 || caps.HumanAgentWindow < 0 || caps.PrivateReplyWindow < 0 {
		return nil, fmt.Errorf("%w: memchannel: New: negative MaxTextLen %d or window in Capabilities; use 0 for none", channel.ErrInvalid, caps.MaxTextLen)
	}
	if c.Rate < 0 || c.Burst < 0 {
		return nil, fmt.Errorf("%w: memchannel: New: negative Rate or Burst; use 0 for no platform limit", channel.ErrInvalid)
	}
	a := &Adapter{kind: kind, account: c.Account, caps: caps, now: c.Now, sleep: c.Sleep, strict: c.Strict, keep: c.KeepSent,
		wrote: map[string]time.Time{}, items: map[string]item{}, replied: map[string]bool{}}
	if c.Rate > 0 {
		a.limiter = rate.NewLimiter(c.Rate, max(c.Burst, 1))
	}
	return a, nil
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

// Send implements channeldriver.Adapter: it returns the next injected
// failure, or refuses m as the platform would (a *RefusedError, or a
// *channeldriver.RateLimitError beyond Config.Rate), or records m and
// returns a receipt with a sequential id. A private reply's receipt names
// the customer's private conversation (on Messenger for Facebook).
func (a *Adapter) Send(ctx context.Context, m *channeldriver.Outbound) (channeldriver.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channeldriver.Receipt{}, err
	}
	now := a.now()
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
	privateReply, err := a.check(m, now)
	if err != nil {
		return channeldriver.Receipt{}, err
	}
	if a.limiter != nil {
		r := a.limiter.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return channeldriver.Receipt{}, &channeldriver.RateLimitError{Reset: now.Add(d), Err: &RefusedError{Kind: channeldriver.RateLimited, Reason: "platform rate limit"}}
		}
	}
	a.seq++
	r := channeldriver.Receipt{ID: string(a.kind) + "-out-" + strconv.Itoa(a.seq), SentAt: now}
	if privateReply {
		a.replied[m.InReplyTo] = true
		r.RecipientID = m.To
		if it, ok := a.items[m.InReplyTo]; ok && it.author != "" {
			r.RecipientID = it.author
		}
		r.PrivateChannel = a.kind
		if a.kind == channeldriver.Facebook {
			r.PrivateChannel = channeldriver.Messenger
		}
		r.PrivateConversationID = r.RecipientID
	}
	out := *m
	out.Attachments = slices.Clone(m.Attachments) // the caller may reuse its slice
	if m.Template != nil {
		tpl := *m.Template
		tpl.Parameters = slices.Clone(tpl.Parameters)
		out.Template = &tpl
	}
	a.sent = append(a.sent, Sent{Outbound: out, Receipt: r})
	if k := a.keep; k > 0 && len(a.sent) > 2*k {
		// Keep the newest k in place (Sent hands out copies): the array
		// stops growing once it holds 2k+1.
		n := copy(a.sent, a.sent[len(a.sent)-k:])
		clear(a.sent[n:])
		a.sent = a.sent[:n]
	}
	return r, nil
}

// check applies the platform's rules to m at now. Called with a.mu held.
func (a *Adapter) check(m *channeldriver.Outbound, now time.Time) (privateReply bool, err error) {
	caps := a.caps
	refuse := func(k channeldriver.ErrorKind, format string, args ...any) (bool, error) {
		return false, &RefusedError{Kind: k, Reason: fmt.Sprintf(format, args...)}
	}
	if m.Text == "" && len(m.Attachments) == 0 && m.Template == nil {
		return refuse(channeldriver.Invalid, "empty message")
	}
	if n := utf8.RuneCountInString(m.Text); caps.MaxTextLen > 0 && n > caps.MaxTextLen {
		return refuse(channeldriver.Invalid, "text has %d characters, %s allows %d", n, a.kind, caps.MaxTextLen)
	}
	if len(m.Attachments) > 0 && !caps.Attachments {
		return refuse(channeldriver.Invalid, "%s does not send attachments", a.kind)
	}
	if m.Template != nil && !caps.Templates {
		return refuse(channeldriver.Invalid, "%s has no template messages", a.kind)
	}
	if m.Tag != "" && !((m.Tag == channeldriver.HumanAgent && caps.HumanAgentWindow > 0) || (m.Tag != channeldriver.HumanAgent && m.Tag.Known() && caps.MessageTags)) {
		return refuse(channeldriver.Invalid, "%s does not accept message tag %q", a.kind, m.Tag)
	}
	if m.Visibility.IsPublic() {
		if !caps.PublicReply {
			return refuse(channeldriver.Invalid, "%s has no public replies", a.kind)
		}
		if m.InReplyTo == "" {
			return refuse(channeldriver.Invalid, "a public reply needs the message it answers")
		}
		return false, nil
	}
	if m.Visibility != channeldriver.Private {
		return refuse(channeldriver.Invalid, "unknown visibility %d", m.Visibility)
	}
	privateReply = m.InReplyTo != "" && (m.To == "" ||
		(m.InReplyToItem.IsPublic() && caps.PrivateReplyToComment) ||
		(!caps.PrivateMessage && caps.PrivateReplyToComment))
	if privateReply {
		if !caps.PrivateReplyToComment {
			return refuse(channeldriver.Invalid, "%s cannot answer a public message privately", a.kind)
		}
		if a.replied[m.InReplyTo] {
			return refuse(channeldriver.WindowClosed, "%s already had its one private reply", m.InReplyTo)
		}
		since := m.InReplyToAt
		if it, ok := a.items[m.InReplyTo]; ok && !it.at.After(now) {
			since = it.at
		} else if since.IsZero() {
			since = m.LastCustomerMessageAt
		}
		if since.IsZero() && a.strict {
			return refuse(channeldriver.Invalid, "no comment %s", m.InReplyTo)
		}
		if w := caps.PrivateReplyWindow; w > 0 && !since.IsZero() && now.Sub(since) > w {
			return refuse(channeldriver.WindowClosed, "private reply %v after the comment, %s allows %v", now.Sub(since), a.kind, w)
		}
		return true, nil
	}
	if !caps.PrivateMessage {
		return refuse(channeldriver.Invalid, "%s cannot send private messages", a.kind)
	}
	if m.To == "" {
		return refuse(channeldriver.Invalid, "a private message needs a recipient")
	}
	if caps.MessagingWindow > 0 && m.Template == nil {
		last := m.LastCustomerMessageAt
		if at, ok := a.wrote[m.To]; ok && !at.After(now) {
			last = at
		}
		if last.IsZero() {
			if a.strict {
				return refuse(channeldriver.WindowClosed, "%s never wrote to %s", m.To, a.kind)
			}
			return false, nil
		}
		probe := *m
		probe.LastCustomerMessageAt = last
		if err := channel.CheckWindow(caps, &probe, now); err != nil {
			return refuse(channeldriver.WindowClosed, "%v", err)
		}
	}
	return false, nil
}

// Record tells the fake platform that customers wrote msgs, without
// scheduling them for delivery: a Private message opens its author's
// messaging window, a public comment or post can get a private reply.
// Script records the messages it is given too. The fake keeps the latest
// time per customer and every public item (it is meant for tests, and
// keeps them all); a time after the fake's Now does not count yet.
func (a *Adapter) Record(msgs ...channeldriver.Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range msgs {
		a.record(&msgs[i])
	}
}

// record notes m. Called with a.mu held.
func (a *Adapter) record(m *channeldriver.Message) {
	if m.Visibility == channeldriver.Private && m.Author.ID != "" {
		if at, ok := a.wrote[m.Author.ID]; !ok || m.ReceivedAt.After(at) {
			a.wrote[m.Author.ID] = m.ReceivedAt
		}
	}
	if m.Visibility.IsPublic() && m.ID != "" {
		a.items[m.ID] = item{at: m.ReceivedAt, author: m.Author.ID}
	}
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
	var re *RefusedError
	if errors.As(err, &re) {
		return re.Kind
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

// Sent returns a copy of the messages sent so far, oldest first: every
// one, or the newest KeepSent.
func (a *Adapter) Sent() []Sent {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sent
	if a.keep > 0 && len(s) > a.keep {
		s = s[len(s)-a.keep:]
	}
	return append([]Sent(nil), s...)
}

// Script queues inbound messages for delivery and records them (see
// Record). Messages without Channel or Account get the adapter's; messages
// without an ID get a sequential one.
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
		a.record(&m)
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
