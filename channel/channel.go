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

// Model types, re-exported from channeldriver. See there for field docs.
type (
	// Kind names a channel such as X or Messenger.
	Kind = channeldriver.Kind
	// Visibility says who can see a message.
	Visibility = channeldriver.Visibility
	// Author is the person who wrote a message.
	Author = channeldriver.Author
	// Message is one inbound customer message.
	Message = channeldriver.Message
	// Outbound is a message the brand sends.
	Outbound = channeldriver.Outbound
	// Receipt is the platform's acknowledgement of a sent message.
	Receipt = channeldriver.Receipt
	// Capabilities declares what an adapter can do.
	Capabilities = channeldriver.Capabilities
	// Attachment is a piece of media on a message.
	Attachment = channeldriver.Attachment
	// AttachmentKind says what an attachment holds.
	AttachmentKind = channeldriver.AttachmentKind
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
	// ErrInvalid means the message is malformed or the platform refused it.
	ErrInvalid = errors.New("channel: invalid message")
	// ErrWindowClosed means the platform's messaging window for private
	// messages has closed.
	ErrWindowClosed = errors.New("channel: messaging window closed")
	// ErrUnsupported means the adapter cannot do what was asked (for
	// example a public reply on a DM-only channel). It is returned before
	// any I/O.
	ErrUnsupported = errors.New("channel: not supported by this channel")
)

// RateLimitError carries the platform's reset time. Send errors that wrap
// ErrRateLimited also wrap a *RateLimitError when the adapter knew the reset
// time; get it with errors.As.
type RateLimitError = channeldriver.RateLimitError

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
}

func (c *Config) withDefaults() (Config, error) {
	var cfg Config
	if c != nil {
		cfg = *c
	}
	if cfg.MaxAttempts < 0 || cfg.InitialBackoff < 0 || cfg.MaxBackoff < 0 || cfg.Rate < 0 || cfg.Burst < 0 {
		return cfg, errors.New("channel: Config: negative MaxAttempts, InitialBackoff, MaxBackoff, Rate or Burst")
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
		return cfg, fmt.Errorf("channel: Config: InitialBackoff %v exceeds MaxBackoff %v", cfg.InitialBackoff, cfg.MaxBackoff)
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
	limiters map[string]*rate.Limiter
}

// New returns a Channel with the default Config that sends through a. It
// fails if a is nil or declares neither public replies nor private
// messages.
func New(a channeldriver.Adapter) (*Channel, error) { return Open(a, nil) }

// Open is New with a Config; cfg may be nil.
func Open(a channeldriver.Adapter, cfg *Config) (*Channel, error) {
	if a == nil {
		return nil, errors.New("channel: New: adapter is nil")
	}
	caps := a.Capabilities()
	if !caps.PublicReply && !caps.PrivateMessage {
		return nil, fmt.Errorf("channel: New: %s adapter declares neither public replies nor private messages", a.Kind())
	}
	if caps.MaxTextLen < 0 || caps.MessagingWindow < 0 {
		return nil, fmt.Errorf("channel: New: %s adapter declares negative MaxTextLen %d or MessagingWindow %v", a.Kind(), caps.MaxTextLen, caps.MessagingWindow)
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
	return &Channel{a: a, caps: caps, cfg: c, limiters: map[string]*rate.Limiter{}}, nil
}

// Kind returns the channel kind of the underlying adapter.
func (c *Channel) Kind() Kind { return c.a.Kind() }

// Account returns the brand account the channel sends as.
func (c *Channel) Account() string { return c.a.Account() }

// Capabilities returns what the channel can do.
func (c *Channel) Capabilities() Capabilities { return c.caps }

// Validate reports whether the channel can send m now, without sending it.
// The error wraps ErrInvalid, ErrUnsupported or ErrWindowClosed.
func (c *Channel) Validate(m *Outbound) error {
	if m == nil {
		return fmt.Errorf("%w: outbound message is nil", ErrInvalid)
	}
	if m.Text == "" && len(m.Attachments) == 0 {
		return fmt.Errorf("%w: empty text", ErrInvalid)
	}
	if err := c.validateAttachments(m); err != nil {
		return err
	}
	if !utf8.ValidString(m.Text) {
		return fmt.Errorf("%w: text is not valid UTF-8", ErrInvalid)
	}
	if n := utf8.RuneCountInString(m.Text); c.caps.MaxTextLen > 0 && n > c.caps.MaxTextLen {
		return fmt.Errorf("%w: text has %d characters, %s allows %d", ErrInvalid, n, c.a.Kind(), c.caps.MaxTextLen)
	}
	switch m.Visibility {
	case Public, AdComment:
		if !c.caps.PublicReply {
			return fmt.Errorf("%w: %s cannot post public replies", ErrUnsupported, c.a.Kind())
		}
		if m.InReplyTo == "" {
			return fmt.Errorf("%w: a public reply needs InReplyTo", ErrInvalid)
		}
	case Private:
		if !c.caps.PrivateMessage {
			return fmt.Errorf("%w: %s cannot send private messages", ErrUnsupported, c.a.Kind())
		}
		if m.To == "" && m.InReplyTo == "" {
			return fmt.Errorf("%w: a private message needs To or InReplyTo", ErrInvalid)
		}
		if m.To == "" && !c.caps.PrivateReplyToComment {
			return fmt.Errorf("%w: %s cannot answer a public comment privately; set To", ErrUnsupported, c.a.Kind())
		}
		if w := c.caps.MessagingWindow; w > 0 && !m.LastCustomerMessageAt.IsZero() {
			if age := c.cfg.Now().Sub(m.LastCustomerMessageAt); age > w {
				return fmt.Errorf("%w: customer last wrote %v ago, %s allows %v", ErrWindowClosed, age.Round(time.Second), c.a.Kind(), w)
			}
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
	if m.Visibility != Private || m.To == "" {
		return fmt.Errorf("%w: attachments go only in private messages to a user (To set)", ErrUnsupported)
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

func (c *Channel) limiter(m *Outbound) *rate.Limiter {
	key := m.Account + "\x00" + m.Visibility.String()
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[key]
	if !ok {
		l = rate.NewLimiter(c.cfg.Rate, c.cfg.Burst)
		c.limiters[key] = l
	}
	return l
}

// Send validates m, waits for the per-account, per-endpoint rate limiter
// and sends m through the adapter, retrying retryable errors with
// exponential backoff and rate-limited errors after the platform's reset
// time (up to MaxAttempts). Errors wrap one of the sentinel errors of this
// package; rate-limit errors also wrap a *RateLimitError.
func (c *Channel) Send(ctx context.Context, m *Outbound) (Receipt, error) {
	if err := c.Validate(m); err != nil {
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
	lim := c.limiter(m)
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = c.cfg.InitialBackoff
	bo.MaxInterval = c.cfg.MaxBackoff
	bo.MaxElapsedTime = 0
	bo.Reset()
	for attempt := 1; ; attempt++ {
		if d := lim.ReserveN(c.cfg.Now(), 1).DelayFrom(c.cfg.Now()); d > 0 {
			if err := c.cfg.Sleep(ctx, d); err != nil {
				return Receipt{}, fmt.Errorf("channel: %s send: %w", c.a.Kind(), err)
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
