package channel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

// Webhook is the platform-specific side of a webhook endpoint (see
// channeldriver.Webhook); xchannel.NewWebhook and metachannel.NewWebhook
// return one.
type Webhook = channeldriver.Webhook

// DedupStore remembers the ids of delivered webhook events so that
// redeliveries are acknowledged without being delivered twice. It must be
// safe for concurrent use. A PostgreSQL store can implement it for
// deployments with several receivers.
type DedupStore interface {
	// Claim records key until expires and reports whether it was new.
	// A key whose earlier claim has expired (expires before now) is new.
	Claim(ctx context.Context, key string, now, expires time.Time) (bool, error)
	// Release forgets key, so that a redelivery is delivered again (used
	// when the sink failed).
	Release(ctx context.Context, key string) error
}

// MemDedup is the in-memory DedupStore. The zero value is ready to use; it
// is safe for concurrent use. Expired keys are swept as new keys arrive.
type MemDedup struct {
	mu     sync.Mutex
	keys   map[string]time.Time
	sweeps int
}

var _ DedupStore = (*MemDedup)(nil)

// Claim implements DedupStore.
func (s *MemDedup) Claim(_ context.Context, key string, now, expires time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]time.Time{}
	}
	if exp, ok := s.keys[key]; ok && !exp.Before(now) {
		return false, nil
	}
	s.keys[key] = expires
	if s.sweeps++; s.sweeps >= 4096 {
		s.sweeps = 0
		for k, exp := range s.keys {
			if exp.Before(now) {
				delete(s.keys, k)
			}
		}
	}
	return true, nil
}

// Release implements DedupStore.
func (s *MemDedup) Release(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
	return nil
}

// Len returns the number of remembered keys, expired or not.
func (s *MemDedup) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// StatusSink receives delivery statuses and platform errors about
// messages the brand sent (see Status). It must be safe for concurrent
// use; an error it returns makes the webhook answer 5xx so that the
// platform redelivers. A desk marks a reply whose Status is StatusFailed as
// not sent (Status.MessageID is the reply's Receipt.ID).
type StatusSink func(ctx context.Context, s Status) error

// ReceiverConfig configures a Receiver. nil means the defaults.
type ReceiverConfig struct {
	// Statuses receives delivery statuses and platform errors (WhatsApp
	// statuses and value.errors), deduplicated like messages. Defaults to
	// nil: they are logged (failures and errors at warning level) and
	// acknowledged.
	Statuses StatusSink
	// MaxBodyBytes limits the request body; larger requests get 413 and
	// nothing is delivered. Defaults to 1 MiB.
	MaxBodyBytes int64
	// DedupTTL is how long event ids are remembered. Defaults to 48 hours
	// (Meta redelivers for up to 36 hours); must be at least 36 hours.
	DedupTTL time.Duration
	// Dedup stores delivered event ids. Defaults to a new MemDedup.
	Dedup DedupStore
	// Logger receives unknown event types and rejected requests. Defaults
	// to a logger that discards.
	Logger *slog.Logger
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
}

// Receiver is an http.Handler for one platform's webhook endpoint. It
// answers the platform's handshake, reads at most MaxBodyBytes, verifies
// the signature over the raw body before parsing (401 when unsigned, 403
// when wrong; nothing is delivered), parses the events, drops redeliveries
// by event id, hands each new message to the Sink and each delivery status
// to ReceiverConfig.Statuses, and answers 200. When a sink fails it answers 500 and forgets the event id so that the platform's
// redelivery is delivered. Unknown event types are logged and
// acknowledged. It is safe for concurrent use.
type Receiver struct {
	wh   Webhook
	sink Sink
	cfg  ReceiverConfig
	pool sync.Pool
}

// NewReceiver returns a Receiver for wh delivering to sink. cfg may be nil.
func NewReceiver(wh Webhook, sink Sink, cfg *ReceiverConfig) (*Receiver, error) {
	if wh == nil {
		return nil, fmt.Errorf("%w: channel: NewReceiver: webhook is nil; pass xchannel.NewWebhook or metachannel.NewWebhook", ErrInvalid)
	}
	if sink == nil {
		return nil, fmt.Errorf("%w: channel: NewReceiver: sink is nil; pass a Sink such as a desk's Sink()", ErrInvalid)
	}
	var c ReceiverConfig
	if cfg != nil {
		c = *cfg
	}
	if c.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("%w: channel: NewReceiver: negative MaxBodyBytes %d; use 0 for the default 1 MiB", ErrInvalid, c.MaxBodyBytes)
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.DedupTTL == 0 {
		c.DedupTTL = 48 * time.Hour
	}
	if c.DedupTTL < 36*time.Hour {
		return nil, fmt.Errorf("%w: channel: NewReceiver: DedupTTL %v is shorter than Meta's 36h redelivery period; use 0 for the default 48h", ErrInvalid, c.DedupTTL)
	}
	if c.Dedup == nil {
		c.Dedup = &MemDedup{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	r := &Receiver{wh: wh, sink: sink, cfg: c}
	r.pool.New = func() any { return &buffers{body: make([]byte, 0, 4096)} }
	return r, nil
}

type buffers struct {
	body   []byte
	events []channeldriver.Event
}

// ServeHTTP implements http.Handler.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if status, ctype, body, ok := rc.wh.Challenge(r); ok {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	buf := rc.pool.Get().(*buffers)
	defer func() {
		clear(buf.events)
		buf.events = buf.events[:0]
		if cap(buf.body) <= 1<<20 {
			buf.body = buf.body[:0]
			rc.pool.Put(buf)
		}
	}()
	body, err := readLimited(buf.body[:0], r.Body, rc.cfg.MaxBodyBytes)
	buf.body = body
	if err != nil {
		if errors.Is(err, errTooLarge) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if err := rc.wh.Verify(r.Header, body); err != nil {
		status := http.StatusForbidden
		var se *channeldriver.SignatureError
		if errors.As(err, &se) && se.Missing {
			status = http.StatusUnauthorized
		}
		rc.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "channel: webhook rejected", slog.Int("status", status), slog.String("error", err.Error()))
		http.Error(w, http.StatusText(status), status)
		return
	}
	buf.events, err = rc.wh.Parse(buf.events[:0], body)
	if err != nil {
		rc.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "channel: webhook payload rejected", slog.String("error", err.Error()))
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if err := rc.deliver(r.Context(), buf.events); err != nil {
		rc.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "channel: webhook delivery failed", slog.String("error", err.Error()))
		http.Error(w, "delivery failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *Receiver) deliver(ctx context.Context, events []channeldriver.Event) error {
	now := rc.cfg.Now()
	for i := range events {
		ev := &events[i]
		if ev.Status != nil {
			if err := rc.deliverStatus(ctx, now, ev); err != nil {
				return err
			}
			continue
		}
		if ev.Message == nil {
			rc.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "channel: webhook event ignored", slog.String("type", ev.Type), slog.String("id", ev.ID))
			continue
		}
		key := DedupKey(ev.Message)
		isNew, err := rc.cfg.Dedup.Claim(ctx, key, now, now.Add(rc.cfg.DedupTTL))
		if err != nil {
			return fmt.Errorf("channel: dedup claim %s: %w", key, err)
		}
		if !isNew {
			continue
		}
		if err := rc.sink(ctx, *ev.Message); err != nil {
			if rerr := rc.cfg.Dedup.Release(ctx, key); rerr != nil {
				return fmt.Errorf("channel: sink %s: %w (and release: %w)", key, err, rerr)
			}
			return fmt.Errorf("channel: sink %s: %w", key, err)
		}
	}
	return nil
}

func (rc *Receiver) deliverStatus(ctx context.Context, now time.Time, ev *channeldriver.Event) error {
	st := ev.Status
	if rc.cfg.Statuses == nil {
		level := slog.LevelInfo
		if st.State == StatusFailed || st.State == StatusError {
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{slog.String("channel", string(st.Channel)), slog.String("message", st.MessageID), slog.String("state", string(st.State))}
		for _, e := range st.Errors {
			attrs = append(attrs, slog.Group("error", slog.Int("code", e.Code), slog.String("title", e.Title), slog.String("detail", e.Detail)))
		}
		rc.cfg.Logger.LogAttrs(ctx, level, "channel: delivery status", attrs...)
		return nil
	}
	key := string(st.Channel) + ":status:" + ev.ID
	isNew, err := rc.cfg.Dedup.Claim(ctx, key, now, now.Add(rc.cfg.DedupTTL))
	if err != nil {
		return fmt.Errorf("channel: dedup claim %s: %w", key, err)
	}
	if !isNew {
		return nil
	}
	if err := rc.cfg.Statuses(ctx, *st); err != nil {
		if rerr := rc.cfg.Dedup.Release(ctx, key); rerr != nil {
			return fmt.Errorf("channel: status sink %s: %w (and release: %w)", key, err, rerr)
		}
		return fmt.Errorf("channel: status sink %s: %w", key, err)
	}
	return nil
}

var errTooLarge = errors.New("channel: body too large")

func readLimited(dst []byte, r io.Reader, limit int64) ([]byte, error) {
	for {
		if int64(len(dst)) > limit {
			return dst, errTooLarge
		}
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			if int64(len(dst)) > limit {
				return dst, errTooLarge
			}
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}
