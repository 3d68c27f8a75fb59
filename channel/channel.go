package channel

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cenkalti/backoff/v4"
	"golang.org/x/time/rate"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

// Items, re-exported from channeldriver.
const (
	ItemPost    = channeldriver.ItemPost
	ItemComment = channeldriver.ItemComment
	ItemMention = channeldriver.ItemMention
	ItemMessage = channeldriver.ItemMessage
)

// Messenger message tags, re-exported from channeldriver.
const (
	HumanAgent           = channeldriver.HumanAgent
	AccountUpdate        = channeldriver.AccountUpdate
	ConfirmedEventUpdate = channeldriver.ConfirmedEventUpdate
	PostPurchaseUpdate   = channeldriver.PostPurchaseUpdate
)

// Status states, re-exported from channeldriver.
const (
	StatusSent      = channeldriver.StatusSent
	StatusDelivered = channeldriver.StatusDelivered
	StatusRead      = channeldriver.StatusRead
	StatusFailed    = channeldriver.StatusFailed
	StatusError     = channeldriver.StatusError
)

// Attachment kinds, re-exported from channeldriver.
const (
	Image   = channeldriver.Image
	Video   = channeldriver.Video
	Audio   = channeldriver.Audio
	File    = channeldriver.File
	Sticker = channeldriver.Sticker
)

// Channel kinds, re-exported from channeldriver.
const (
	X         = channeldriver.X
	Facebook  = channeldriver.Facebook
	Instagram = channeldriver.Instagram
	Messenger = channeldriver.Messenger
	WhatsApp  = channeldriver.WhatsApp
	Email     = channeldriver.Email
	Chat      = channeldriver.Chat
	Review    = channeldriver.Review
)

// Visibilities, re-exported from channeldriver.
const (
	Public    = channeldriver.Public
	Private   = channeldriver.Private
	AdComment = channeldriver.AdComment
)

// Sink receives inbound messages. A Sink must be safe for concurrent use;
// an error it returns is passed back to whoever delivered the message (a
// webhook answers 5xx so that the platform redelivers).
type Sink func(ctx context.Context, m Message) error

// Sentinel errors returned by Channel.Send, wrapped with details. Test with
// errors.Is.
var (
	// ErrRetryable means a transient failure: trying again may succeed.
	ErrRetryable = errors.New("channel: temporary failure")
	// ErrRateLimited means the platform throttled the call.
	ErrRateLimited = errors.New("channel: rate limited")
	// ErrPermission means the account lacks a permission or its token was
	// revoked.
	ErrPermission = errors.New("channel: permission denied")
	// ErrInvalid means a bad argument (a nil adapter, an empty kind, a
	// missing token: every constructor in channel and its adapters wraps
	// it), a malformed message, or a message the platform refused. It is
	// channeldriver.ErrInvalid.
	ErrInvalid = channeldriver.ErrInvalid
	// ErrWindowClosed means the platform's window for this private
	// message has closed: the messaging window, the HUMAN_AGENT window,
	// the private-reply window, or the comment's one private reply is
	// used. Before any I/O the error is a *WindowError saying which.
	ErrWindowClosed = errors.New("channel: messaging window closed")
	// ErrPrivateReplyUsed means the comment already had its one private
	// reply; it comes wrapped in a *WindowError, with ErrWindowClosed.
	// Continue in the private conversation (Receipt.PrivateConversationID)
	// once the customer answers there.
	ErrPrivateReplyUsed = errors.New("channel: the comment's one private reply was already sent")
	// ErrUnsupported means the adapter cannot do what was asked (for
	// example a public reply on a DM-only channel). It is returned before
	// any I/O.
	ErrUnsupported = errors.New("channel: not supported by this channel")
)

// Config configures a Channel. The zero value (or nil) gives the defaults.
type Config struct {
	// MaxAttempts is how many times Send tries a retryable or rate-limited
	// send. Defaults to 4; 1 disables retries.
	MaxAttempts int
	// InitialBackoff is the first wait between retries of a retryable
	// error; later waits grow exponentially with jitter
	// (cenkalti/backoff). Defaults to 500ms.
	InitialBackoff time.Duration
	// MaxBackoff caps one wait, including waits for a rate-limit reset:
	// a reset further away than MaxBackoff is returned to the caller as
	// ErrRateLimited instead of waited for. Defaults to 1 minute.
	MaxBackoff time.Duration
	// Rate is the client-side limit of sends per second, per account and
	// endpoint (public reply, private message). Defaults to 50.
	Rate rate.Limit
	// Burst is the limiter's burst. Defaults to 50.
	Burst int
	// Now is the clock. Defaults to the adapter's Now when the adapter
	// implements channeldriver.Clock (memchannel does), else time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx is done. Defaults to the adapter's
	// Sleep when the adapter implements channeldriver.Clock (memchannel
	// returns at once, so a fake never waits in real time), else a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Window decides whether the platform's windows allow a private
	// message now (see CheckWindow); it is called by Validate and Send
	// with Now. Defaults to CheckWindow.
	Window func(caps Capabilities, m *Outbound, now time.Time) error
	// PrivateReplies remembers the comments that had their one private
	// reply, so that a second one is refused with ErrPrivateReplyUsed
	// before any I/O. Keys expire after the adapter's PrivateReplyWindow
	// plus a day (30 days when it declares none). Defaults to a new
	// MemDedup; share a persistent DedupStore between instances.
	PrivateReplies DedupStore
}

func (c *Config) withDefaults() (Config, error) {
	var cfg Config
	if c != nil {
		cfg = *c
	}
	if cfg.MaxAttempts < 0 || cfg.InitialBackoff < 0 || cfg.MaxBackoff < 0 || cfg.Rate < 0 || cfg.Burst < 0 {
		return cfg, fmt.Errorf("%w: channel: Config: negative MaxAttempts, InitialBackoff, MaxBackoff, Rate or Burst; use 0 for the defaults", ErrInvalid)
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 4
	}
	if cfg.InitialBackoff == 0 {
		cfg.InitialBackoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = time.Minute
	}
	if cfg.InitialBackoff > cfg.MaxBackoff {
		return cfg, fmt.Errorf("%w: channel: Config: InitialBackoff %v exceeds MaxBackoff %v; raise MaxBackoff", ErrInvalid, cfg.InitialBackoff, cfg.MaxBackoff)
	}
	if cfg.Rate == 0 {
		cfg.Rate = 50
	}
	if cfg.Burst == 0 {
		cfg.Burst = 50
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Window == nil {
		cfg.Window = CheckWindow
	}
	if cfg.PrivateReplies == nil {
		cfg.PrivateReplies = &MemDedup{}
	}
	return cfg, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Channel is the portable sending side of one brand account on one
// platform. It validates against the adapter's Capabilities before any I/O,
// limits the send rate per account and endpoint, and retries retryable and
// rate-limited errors. It is safe for concurrent use.
type Channel struct {
	a    channeldriver.Adapter
	caps channeldriver.Capabilities
	cfg  Config

	mu       sync.Mutex
	limiters map[limiterKey]*rate.Limiter
}

// New returns a Channel with the default Config that sends through a. It
// fails with ErrInvalid if a is nil or declares neither public replies nor
// private messages.
func New(a channeldriver.Adapter) (*Channel, error) { return Open(a, nil) }

// Open is New with a Config; cfg may be nil.
func Open(a channeldriver.Adapter, cfg *Config) (*Channel, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: channel: New: adapter is nil; pass an adapter such as memchannel.New(channel.X, nil), xchannel.New or metachannel.New", ErrInvalid)
	}
	caps := a.Capabilities()
	if !caps.PublicReply && !caps.PrivateMessage && !caps.PrivateReplyToComment {
		return nil, fmt.Errorf("%w: channel: New: %s adapter declares neither public replies nor private messages; fix its Capabilities", ErrInvalid, a.Kind())
	}
	if caps.MaxTextLen < 0 || caps.MessagingWindow < 0 || caps.HumanAgentWindow < 0 || caps.PrivateReplyWindow < 0 {
		return nil, fmt.Errorf("%w: channel: New: %s adapter declares a negative MaxTextLen %d or window (%v, %v, %v); fix its Capabilities", ErrInvalid, a.Kind(), caps.MaxTextLen, caps.MessagingWindow, caps.HumanAgentWindow, caps.PrivateReplyWindow)
	}
	var pre Config
	if cfg != nil {
		pre = *cfg
	}
	if clk, ok := a.(channeldriver.Clock); ok {
		if pre.Now == nil {
			pre.Now = clk.Now
		}
		if pre.Sleep == nil {
			pre.Sleep = clk.Sleep
		}
	}
	c, err := pre.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Channel{a: a, caps: caps, cfg: c, limiters: map[limiterKey]*rate.Limiter{}}, nil
}

// Kind returns the channel kind of the underlying adapter.
func (c *Channel) Kind() Kind { return c.a.Kind() }

// Account returns the brand account the channel sends as.
func (c *Channel) Account() string { return c.a.Account() }

// Capabilities returns what the channel can do.
func (c *Channel) Capabilities() Capabilities { return c.caps }

// Validate reports whether the channel can send m now, without sending
// it: against the adapter's Capabilities (length, visibility, private
// replies, attachments, tags, templates) and, with Config.Window at
// Config.Now, the platform's windows. It does not consult
// Config.PrivateReplies, so a comment's second private reply passes
// Validate and is refused by Send. The error wraps ErrInvalid,
// ErrUnsupported or ErrWindowClosed (a *WindowError).
func (c *Channel) Validate(m *Outbound) error {
	if m == nil {
		return fmt.Errorf("%w: outbound message is nil", ErrInvalid)
	}
	return c.validate(c.normalize(m), c.cfg.Now())
}

// normalize returns m, or a copy of it with InReplyToItem filled in or
// cleared where the surface leaves no doubt: on a surface that answers
// comments privately but cannot message people (Facebook comments), a
// private message in reply to something is a private reply; on a surface
// without private replies (X), a private message with To set is a direct
// message whatever it answers.
func (c *Channel) normalize(m *Outbound) *Outbound {
	if m.Visibility != Private || m.InReplyTo == "" {
		return m
	}
	switch {
	case m.InReplyToItem == "" && !c.caps.PrivateMessage && c.caps.PrivateReplyToComment:
		cp := *m
		cp.InReplyToItem = ItemComment
		return &cp
	case m.IsPrivateReply() && m.To != "" && !c.caps.PrivateReplyToComment && c.caps.PrivateMessage:
		cp := *m
		cp.InReplyToItem = ""
		return &cp
	}
	return m
}

func (c *Channel) validate(m *Outbound, now time.Time) error {
	kind := c.a.Kind()
	if m.Text == "" && len(m.Attachments) == 0 && m.Template == nil {
		return fmt.Errorf("%w: empty text", ErrInvalid)
	}
	if err := c.validateAttachments(m); err != nil {
		return err
	}
	if !utf8.ValidString(m.Text) {
		return fmt.Errorf("%w: text is not valid UTF-8", ErrInvalid)
	}
	if n := utf8.RuneCountInString(m.Text); c.caps.MaxTextLen > 0 && n > c.caps.MaxTextLen {
		return fmt.Errorf("%w: text has %d characters, %s allows %d", ErrInvalid, n, kind, c.caps.MaxTextLen)
	}
	if t := m.Template; t != nil {
		switch {
		case !c.caps.Templates:
			return fmt.Errorf("%w: %s cannot send template messages", ErrUnsupported, kind)
		case t.Name == "" || t.Language == "":
			return fmt.Errorf("%w: a template needs Name and Language", ErrInvalid)
		case m.Text != "" || len(m.Attachments) > 0:
			return fmt.Errorf("%w: a template message replaces Text and Attachments; leave them empty", ErrInvalid)
		case m.Visibility != Private || m.To == "":
			return fmt.Errorf("%w: a template message is Private and needs To", ErrInvalid)
		}
	}
	if m.Tag != "" {
		switch {
		case m.Visibility != Private || m.IsPrivateReply():
			return fmt.Errorf("%w: message tag %s goes only on a private message to a user", ErrInvalid, m.Tag)
		case !m.Tag.Known():
			return fmt.Errorf("%w: unknown message tag %q", ErrInvalid, m.Tag)
		case m.Tag == HumanAgent && c.caps.HumanAgentWindow <= 0:
			return fmt.Errorf("%w: %s does not support the HUMAN_AGENT tag", ErrUnsupported, kind)
		case m.Tag != HumanAgent && !c.caps.MessageTags:
			return fmt.Errorf("%w: %s does not support message tag %s", ErrUnsupported, kind, m.Tag)
		}
	}
	switch m.Visibility {
	case Public, AdComment:
		if !c.caps.PublicReply {
			return fmt.Errorf("%w: %s cannot post public replies", ErrUnsupported, kind)
		}
		if m.InReplyTo == "" {
			return fmt.Errorf("%w: a public reply needs InReplyTo", ErrInvalid)
		}
	case Private:
		if m.IsPrivateReply() {
			if !c.caps.PrivateReplyToComment {
				return fmt.Errorf("%w: %s cannot answer a public comment privately; set To to send a direct message", ErrUnsupported, kind)
			}
		} else {
			if !c.caps.PrivateMessage {
				return fmt.Errorf("%w: %s cannot send private messages", ErrUnsupported, kind)
			}
			if m.To == "" {
				return fmt.Errorf("%w: a private message needs To or InReplyTo", ErrInvalid)
			}
		}
		if err := c.cfg.Window(c.caps, m, now); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: unknown visibility %d", ErrInvalid, m.Visibility)
	}
	return nil
}

// validateAttachments checks m's attachments against the adapter's
// capabilities (see Outbound.Attachments).
func (c *Channel) validateAttachments(m *Outbound) error {
	if len(m.Attachments) == 0 {
		return nil
	}
	kind := c.a.Kind()
	if !c.caps.Attachments {
		return fmt.Errorf("%w: %s cannot send attachments", ErrUnsupported, kind)
	}
	if len(m.Attachments) > 1 {
		return fmt.Errorf("%w: %d attachments; send one per message", ErrInvalid, len(m.Attachments))
	}
	if m.Visibility != Private || m.To == "" || m.IsPrivateReply() {
		return fmt.Errorf("%w: attachments go only in private messages to a user (To set), not in public or private replies to comments", ErrUnsupported)
	}
	at := m.Attachments[0]
	switch at.Kind {
	case Image, Video, Audio, File:
	case Sticker:
		return fmt.Errorf("%w: stickers cannot be sent", ErrUnsupported)
	default:
		return fmt.Errorf("%w: unknown attachment kind %q", ErrInvalid, at.Kind)
	}
	u, err := url.Parse(at.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%w: attachment URL %q is not an absolute https URL", ErrInvalid, at.URL)
	}
	if m.Text != "" {
		if !c.caps.AttachmentCaption {
			return fmt.Errorf("%w: %s sends an attachment without text; send the text as its own message", ErrUnsupported, kind)
		}
		if at.Kind == Audio {
			return fmt.Errorf("%w: an audio attachment takes no caption", ErrInvalid)
		}
	}
	return nil
}

// limiterKey names a rate limiter: one per account and visibility (the
// platform's endpoint).
type limiterKey struct {
	account    string
	visibility Visibility
}

func (c *Channel) limiter(m *Outbound) *rate.Limiter {
	key := limiterKey{m.Account, m.Visibility}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[key]
	if !ok {
		l = rate.NewLimiter(c.cfg.Rate, c.cfg.Burst)
		c.limiters[key] = l
	}
	return l
}

// Send validates m (see Validate), refuses a comment's second private
// reply (ErrPrivateReplyUsed, via Config.PrivateReplies), waits for the
// per-account, per-endpoint rate limiter and sends m through the adapter,
// retrying retryable errors with exponential backoff and rate-limited
// errors after the platform's reset time (up to MaxAttempts). Errors wrap
// one of the sentinel errors of this package; rate-limit errors also wrap
// a *RateLimitError, window errors found before I/O are a *WindowError. A
// private reply that fails is forgotten, so that it can be sent again.
func (c *Channel) Send(ctx context.Context, m *Outbound) (Receipt, error) {
	if m == nil {
		return Receipt{}, fmt.Errorf("%w: outbound message is nil", ErrInvalid)
	}
	now := c.cfg.Now()
	m = c.normalize(m)
	if err := c.validate(m, now); err != nil {
		return Receipt{}, err
	}
	if m.Channel == "" || m.Account == "" {
		cp := *m
		if cp.Channel == "" {
			cp.Channel = c.a.Kind()
		}
		if cp.Account == "" {
			cp.Account = c.a.Account()
		}
		m = &cp
	}
	if !m.IsPrivateReply() {
		return c.send(ctx, m)
	}
	key := string(m.Channel) + ":" + m.Account + ":" + m.InReplyTo
	isNew, err := c.cfg.PrivateReplies.Claim(ctx, key, now, c.privateReplyExpiry(m, now))
	if err != nil {
		return Receipt{}, fmt.Errorf("channel: %s send: private replies store: %w", c.a.Kind(), err)
	}
	if !isNew {
		return Receipt{}, &WindowError{Rule: RulePrivateReplyUsed, Now: now}
	}
	r, err := c.send(ctx, m)
	if err != nil {
		if rerr := c.cfg.PrivateReplies.Release(context.WithoutCancel(ctx), key); rerr != nil {
			return Receipt{}, fmt.Errorf("%w (and forgetting the private reply: %w)", err, rerr)
		}
	}
	return r, err
}

// privateReplyExpiry is how long a private reply to m.InReplyTo is
// remembered: until its window ends, plus a day; 30 days without one.
func (c *Channel) privateReplyExpiry(m *Outbound, now time.Time) time.Time {
	w := c.caps.PrivateReplyWindow
	if w <= 0 {
		return now.Add(30 * 24 * time.Hour)
	}
	since := m.InReplyToAt
	if since.IsZero() {
		since = m.LastCustomerMessageAt
	}
	if since.IsZero() || since.After(now) {
		since = now
	}
	return since.Add(w + 24*time.Hour)
}

func (c *Channel) send(ctx context.Context, m *Outbound) (Receipt, error) {
	lim := c.limiter(m)
	var bo *backoff.ExponentialBackOff // made at the first retry
	for attempt := 1; ; attempt++ {
		// A token free now is taken without a reservation to wait on.
		if now := c.cfg.Now(); !lim.AllowN(now, 1) {
			if d := lim.ReserveN(now, 1).DelayFrom(c.cfg.Now()); d > 0 {
				if err := c.cfg.Sleep(ctx, d); err != nil {
					return Receipt{}, fmt.Errorf("channel: %s send: %w", c.a.Kind(), err)
				}
			}
		}
		r, err := c.a.Send(ctx, m)
		if err == nil {
			return r, nil
		}
		kind := c.a.ErrorKind(err)
		var rl *RateLimitError
		if errors.As(err, &rl) {
			kind = channeldriver.RateLimited
		}
		if attempt >= c.cfg.MaxAttempts || ctx.Err() != nil || (kind != channeldriver.Retryable && kind != channeldriver.RateLimited) {
			return Receipt{}, c.wrap(kind, err)
		}
		if bo == nil {
			bo = backoff.NewExponentialBackOff()
			bo.InitialInterval = c.cfg.InitialBackoff
			bo.MaxInterval = c.cfg.MaxBackoff
			bo.MaxElapsedTime = 0
			bo.Reset()
		}
		wait := bo.NextBackOff()
		if kind == channeldriver.RateLimited && rl != nil && !rl.Reset.IsZero() {
			wait = rl.Reset.Sub(c.cfg.Now())
			if wait > c.cfg.MaxBackoff {
				return Receipt{}, c.wrap(kind, err)
			}
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return Receipt{}, c.wrap(kind, fmt.Errorf("%w (while waiting to retry: %w)", err, ctx.Err()))
		}
	}
}

func (c *Channel) wrap(k channeldriver.ErrorKind, err error) error {
	var kind error
	switch k {
	case channeldriver.Retryable:
		kind = ErrRetryable
	case channeldriver.RateLimited:
		kind = ErrRateLimited
	case channeldriver.Permission:
		kind = ErrPermission
	case channeldriver.Invalid:
		kind = ErrInvalid
	case channeldriver.WindowClosed:
		kind = ErrWindowClosed
	default:
		return fmt.Errorf("channel: %s send: %w", c.a.Kind(), err)
	}
	return fmt.Errorf("channel: %s send: %w: %w", c.a.Kind(), kind, err)
}
