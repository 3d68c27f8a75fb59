package channel_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// stubWebhook accepts requests whose X-Sig header is "ok" and turns each
// line "id text" of the body into a message.
type stubWebhook struct{}

func (stubWebhook) Challenge(*http.Request) (int, string, []byte, bool) { return 0, "", nil, false }
func (stubWebhook) Verify(h http.Header, _ []byte) error {
	switch h.Get("X-Sig") {
	case "ok":
		return nil
	case "":
		return &channeldriver.SignatureError{Missing: true, Reason: "none"}
	}
	return &channeldriver.SignatureError{Reason: "bad"}
}
func (stubWebhook) Parse(dst []channeldriver.Event, body []byte) ([]channeldriver.Event, error) {
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		id, text, _ := strings.Cut(line, " ")
		if id == "?" {
			dst = append(dst, channeldriver.Event{Type: "mystery"})
			continue
		}
		dst = append(dst, channeldriver.Event{ID: id, Message: &channeldriver.Message{ID: id, Channel: channel.X, Text: text}})
	}
	return dst, nil
}

func post(rc http.Handler, body, sig string) int {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if sig != "" {
		r.Header.Set("X-Sig", sig)
	}
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	return w.Code
}

func TestReceiver(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var got []string
	failing := false
	sink := func(_ context.Context, m channel.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return errors.New("down")
		}
		got = append(got, m.ID)
		return nil
	}
	rc, err := channel.NewReceiver(stubWebhook{}, sink, &channel.ReceiverConfig{MaxBodyBytes: 64, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if c := post(rc, "a hi", ""); c != 401 {
		t.Fatalf("unsigned %d", c)
	}
	if c := post(rc, "a hi", "bad"); c != 403 {
		t.Fatalf("bad signature %d", c)
	}
	if c := post(rc, strings.Repeat("x", 65), "ok"); c != 413 {
		t.Fatalf("too large %d", c)
	}
	if c := post(rc, "a hi\nb there\n? x", "ok"); c != 200 {
		t.Fatalf("ok %d", c)
	}
	if c := post(rc, "a hi\nb there", "ok"); c != 200 {
		t.Fatalf("redelivery %d", c)
	}
	failing = true
	if c := post(rc, "c again", "ok"); c != 500 {
		t.Fatalf("sink failure %d", c)
	}
	failing = false
	if c := post(rc, "c again", "ok"); c != 200 {
		t.Fatalf("redelivery after failure %d", c)
	}
	now = now.Add(49 * time.Hour) // past the 48h default TTL: a very late redelivery is new again
	if c := post(rc, "a hi", "ok"); c != 200 {
		t.Fatal(c)
	}
	if strings.Join(got, ",") != "a,b,c,a" {
		t.Fatalf("delivered %v", got)
	}
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/", nil))
	if w.Code != 405 {
		t.Fatalf("PUT %d", w.Code)
	}
}

func TestNewReceiverErrors(t *testing.T) {
	t.Parallel()
	sink := func(context.Context, channel.Message) error { return nil }
	for _, tc := range []struct {
		wh   channel.Webhook
		sink channel.Sink
		cfg  *channel.ReceiverConfig
	}{
		{nil, sink, nil},
		{stubWebhook{}, nil, nil},
		{stubWebhook{}, sink, &channel.ReceiverConfig{DedupTTL: time.Hour}},
		{stubWebhook{}, sink, &channel.ReceiverConfig{MaxBodyBytes: -1}},
	} {
		if _, err := channel.NewReceiver(tc.wh, tc.sink, tc.cfg); err == nil {
			t.Errorf("NewReceiver(%+v) succeeded", tc)
		}
	}
}

func TestMemDedup(t *testing.T) {
	t.Parallel()
	var s channel.MemDedup
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if ok, _ := s.Claim(ctx, "k", t0, t0.Add(36*time.Hour)); !ok {
		t.Fatal("first claim")
	}
	if ok, _ := s.Claim(ctx, "k", t0.Add(36*time.Hour), t0.Add(72*time.Hour)); ok {
		t.Fatal("claim at 36h must still be a duplicate")
	}
	if ok, _ := s.Claim(ctx, "k", t0.Add(36*time.Hour+time.Second), t0.Add(72*time.Hour)); !ok {
		t.Fatal("claim after expiry must be new")
	}
	_ = s.Release(ctx, "k")
	if s.Len() != 0 {
		t.Fatal("release")
	}
}

func TestSendRetries(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	out := &channel.Outbound{InReplyTo: "1", Text: "hello"}
	for _, tc := range []struct {
		name   string
		setup  func(a *memchannel.Adapter)
		want   error
		sleeps int
		sent   int
	}{
		{"retryable then ok", func(a *memchannel.Adapter) { a.FailNext(channeldriver.Retryable, channeldriver.Retryable) }, nil, 2, 1},
		{"retryable exhausted", func(a *memchannel.Adapter) {
			a.FailNext(channeldriver.Retryable, channeldriver.Retryable, channeldriver.Retryable, channeldriver.Retryable)
		}, channel.ErrRetryable, 3, 0},
		{"rate limit waits for reset", func(a *memchannel.Adapter) { a.RateLimitNext(now.Add(30 * time.Second)) }, nil, 1, 1},
		{"rate limit too far", func(a *memchannel.Adapter) { a.RateLimitNext(now.Add(time.Hour)) }, channel.ErrRateLimited, 0, 0},
		{"permission not retried", func(a *memchannel.Adapter) { a.FailNext(channeldriver.Permission) }, channel.ErrPermission, 0, 0},
		{"window closed", func(a *memchannel.Adapter) { a.FailNext(channeldriver.WindowClosed) }, channel.ErrWindowClosed, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, _ := memchannel.New(channel.X, nil)
			var slept []time.Duration
			ch, err := channel.Open(a, &channel.Config{Now: func() time.Time { return now }, Sleep: func(_ context.Context, d time.Duration) error {
				slept = append(slept, d)
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			tc.setup(a)
			_, err = ch.Send(context.Background(), out)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if len(slept) != tc.sleeps || len(a.Sent()) != tc.sent {
				t.Fatalf("slept %v, sent %d", slept, len(a.Sent()))
			}
			if tc.name == "rate limit waits for reset" && slept[0] != 30*time.Second {
				t.Fatalf("slept %v, want 30s", slept)
			}
		})
	}
}

func TestRateLimiterPerEndpoint(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	a, _ := memchannel.New(channel.X, nil)
	var slept []time.Duration
	ch, _ := channel.Open(a, &channel.Config{Rate: 1, Burst: 1, Now: func() time.Time { return now }, Sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}})
	ctx := context.Background()
	ch.Send(ctx, &channel.Outbound{InReplyTo: "1", Text: "a"})
	ch.Send(ctx, &channel.Outbound{To: "u", Text: "b", Visibility: channel.Private})
	if len(slept) != 0 {
		t.Fatalf("different endpoints share a limiter: %v", slept)
	}
	ch.Send(ctx, &channel.Outbound{InReplyTo: "1", Text: "c"})
	if len(slept) != 1 || slept[0] != time.Second {
		t.Fatalf("slept %v, want [1s]", slept)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	a, _ := memchannel.New(channel.X, nil)
	for _, cfg := range []*channel.Config{{MaxAttempts: -1}, {InitialBackoff: time.Hour, MaxBackoff: time.Second}, {Rate: -1}} {
		if _, err := channel.Open(a, cfg); err == nil {
			t.Errorf("Open(%+v) succeeded", cfg)
		}
	}
	if _, err := channel.Open(nil, nil); err == nil {
		t.Error("nil adapter")
	}
	_ = bytes.MinRead
}
