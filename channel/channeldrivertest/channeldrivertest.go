// Package channeldrivertest is the conformance suite that every
// channeldriver.Adapter must pass. An adapter's package runs it from a small
// test:
//
//	func TestConformance(t *testing.T) {
//		channeldrivertest.RunConformanceTests(t, func(t *testing.T) channeldrivertest.Harness { ... })
//	}
package channeldrivertest

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
)

// Harness gives the suite an adapter to test and a way to read back what it
// sent.
type Harness struct {
	// Adapter is the adapter under test, fresh for each test.
	Adapter channeldriver.Adapter
	// Sent returns the texts the platform received, oldest first.
	Sent func() []string
	// InReplyTo is a platform message id the adapter may publicly reply
	// to (and privately reply to, if it declares PrivateReplyToComment).
	InReplyTo string
	// Recipient is a user id the adapter may send private messages to.
	Recipient string
	// Features says which optional parts of the suite apply.
	Features Features
	// FailNext makes the platform fail the next send with an error the
	// adapter classifies as kind. Required when Features.InjectFailures.
	FailNext func(kind channeldriver.ErrorKind)
	// RateLimitNext makes the platform throttle the next send, saying the
	// limit resets at reset. Required when Features.RateLimit.
	RateLimitNext func(reset time.Time)
	// Webhook is the adapter's webhook parser. Required when
	// Features.Webhook.
	Webhook channeldriver.Webhook
	// Payload is a documented webhook body with at least one customer
	// message, which must come out with its ID, Channel, Account,
	// Author.ID, ConversationID and ReceivedAt. Required when
	// Features.Webhook.
	Payload []byte
	// Sign sets the platform's signature header on r for body. Required
	// when Features.Webhook.
	Sign func(r *http.Request, body []byte)
	// Now is the platform's clock. Defaults to time.Now.
	Now func() time.Time
	// Record tells the platform that a customer wrote m (a direct message
	// from m.Author.ID, or a public comment m.ID), as if it had arrived
	// through the platform. Required when Features.PlatformRules.
	Record func(m channeldriver.Message)
}

// Features lists what an implementation supports, so that one suite serves
// every adapter (like Watermill's tests.Features).
type Features struct {
	// InjectFailures: Harness.FailNext can make the platform fail a send.
	InjectFailures bool
	// RateLimit: Harness.RateLimitNext can make the platform throttle a
	// send, and the adapter reports the reset time in a
	// *channeldriver.RateLimitError.
	RateLimit bool
	// Webhook: the adapter has a signed inbound webhook.
	Webhook bool
	// PlatformRules: the platform behind the harness enforces what the
	// adapter declares, so that a send breaking a declared rule straight
	// through the adapter (not the portable channel) fails: a public
	// reply without PublicReply, a private reply without
	// PrivateReplyToComment or twice to one comment or after
	// PrivateReplyWindow, a direct message outside MessagingWindow, text
	// over MaxTextLen. Fakes must set it: a fake that does not behave like
	// its platform lets the tests written against it pass wrongly.
	PlatformRules bool
}

// RunConformanceTests runs the suite. newHarness is called once per test.
func RunConformanceTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	runFeatureTests(t, newHarness)
	runWindowTests(t, newHarness)
	t.Run("CapabilitiesStable", func(t *testing.T) {
		h := newHarness(t)
		first, second := h.Adapter.Capabilities(), h.Adapter.Capabilities()
		if first != second {
			t.Fatalf("Capabilities changed between calls: %+v then %+v", first, second)
		}
		if h.Adapter.Kind() == "" {
			t.Fatal("Kind is empty")
		}
	})
	t.Run("Attachments", func(t *testing.T) {
		h := newHarness(t)
		ch, err := channel.New(h.Adapter)
		if err != nil {
			t.Fatalf("channel.New: %v", err)
		}
		caps := ch.Capabilities()
		out := &channel.Outbound{To: h.Recipient, Visibility: channel.Private, Attachments: []channel.Attachment{{Kind: channel.Image, URL: "https://cdn.example.com/conformance.png"}}}
		before := len(h.Sent())
		_, err = ch.Send(context.Background(), out)
		switch {
		case !caps.Attachments:
			if !errors.Is(err, channel.ErrUnsupported) {
				t.Fatalf("an adapter without Attachments sent one: %v", err)
			}
			if len(h.Sent()) != before {
				t.Fatal("a refused attachment reached the platform")
			}
		case !caps.PrivateMessage || h.Recipient == "":
			t.Skip("adapter declares Attachments but cannot send private messages here")
		default:
			if err != nil {
				t.Fatalf("Send with an attachment: %v", err)
			}
			if len(h.Sent()) != before+1 {
				t.Fatalf("sent %d, want %d", len(h.Sent()), before+1)
			}
			// Two attachments are always refused before I/O.
			out.Attachments = append(out.Attachments, out.Attachments[0])
			if _, err := ch.Send(context.Background(), out); !errors.Is(err, channel.ErrInvalid) {
				t.Fatalf("two attachments: %v", err)
			}
			if len(h.Sent()) != before+1 {
				t.Fatal("a refused attachment reached the platform")
			}
		}
	})
	t.Run("SendDelivers", func(t *testing.T) {
		h := newHarness(t)
		ch, err := channel.New(h.Adapter)
		if err != nil {
			t.Fatalf("channel.New: %v", err)
		}
		caps := ch.Capabilities()
		var out channel.Outbound
		switch {
		case caps.PublicReply:
			out = channel.Outbound{InReplyTo: h.InReplyTo, Text: "Thanks, we are on it. ^AB", Visibility: channel.Public}
		default:
			out = channel.Outbound{To: h.Recipient, Text: "Thanks, we are on it. ^AB", Visibility: channel.Private}
		}
		r, err := ch.Send(context.Background(), &out)
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		if r.ID == "" {
			t.Error("receipt has no id")
		}
		got := h.Sent()
		if len(got) != 1 || got[0] != out.Text {
			t.Fatalf("platform received %q, want exactly [%q]", got, out.Text)
		}
	})
	t.Run("UnsupportedFailsBeforeIO", func(t *testing.T) {
		h := newHarness(t)
		ch, err := channel.New(h.Adapter)
		if err != nil {
			t.Fatalf("channel.New: %v", err)
		}
		caps := ch.Capabilities()
		if caps.MaxTextLen > 0 {
			long := make([]byte, caps.MaxTextLen+1)
			for i := range long {
				long[i] = 'a'
			}
			_, err := ch.Send(context.Background(), &channel.Outbound{InReplyTo: h.InReplyTo, To: h.Recipient, Text: string(long)})
			if !errors.Is(err, channel.ErrInvalid) {
				t.Errorf("over-long text: got %v, want ErrInvalid", err)
			}
		}
		if !caps.PrivateMessage {
			_, err := ch.Send(context.Background(), &channel.Outbound{To: h.Recipient, Text: "hi", Visibility: channel.Private})
			if !errors.Is(err, channel.ErrUnsupported) {
				t.Errorf("private on public-only channel: got %v, want ErrUnsupported", err)
			}
		}
		if !caps.PublicReply {
			_, err := ch.Send(context.Background(), &channel.Outbound{InReplyTo: h.InReplyTo, Text: "hi", Visibility: channel.Public})
			if !errors.Is(err, channel.ErrUnsupported) {
				t.Errorf("public on private-only channel: got %v, want ErrUnsupported", err)
			}
		}
		if n := len(h.Sent()); n != 0 {
			t.Fatalf("refused sends reached the platform %d times", n)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		h := newHarness(t)
		ch, err := channel.New(h.Adapter)
		if err != nil {
			t.Fatalf("channel.New: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
		defer cancel()
		<-ctx.Done()
		_, err = ch.Send(ctx, &channel.Outbound{InReplyTo: h.InReplyTo, To: h.Recipient, Text: "hi", Visibility: channel.Private})
		if err == nil && ch.Capabilities().PrivateMessage {
			t.Fatal("Send with a cancelled context succeeded")
		}
	})
}

func noSleep(slept *[]time.Duration, mu *sync.Mutex) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*slept = append(*slept, d)
		mu.Unlock()
		return ctx.Err()
	}
}

func sampleOutbound(ch *channel.Channel, h Harness) *channel.Outbound {
	if ch.Capabilities().PublicReply {
		return &channel.Outbound{InReplyTo: h.InReplyTo, Text: "Sorry about that, looking now. ^AB", Visibility: channel.Public}
	}
	return &channel.Outbound{To: h.Recipient, Text: "Sorry about that, looking now. ^AB", Visibility: channel.Private}
}

// runFeatureTests runs the parts of the suite switched by Features.
func runFeatureTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("ErrorKinds", func(t *testing.T) {
		h := newHarness(t)
		if !h.Features.InjectFailures {
			t.Skip("adapter does not support injected failures")
		}
		for _, tc := range []struct {
			kind channeldriver.ErrorKind
			want error
		}{
			{channeldriver.Permission, channel.ErrPermission},
			{channeldriver.Invalid, channel.ErrInvalid},
		} {
			h := newHarness(t)
			var mu sync.Mutex
			var slept []time.Duration
			ch, err := channel.Open(h.Adapter, &channel.Config{Sleep: noSleep(&slept, &mu)})
			if err != nil {
				t.Fatal(err)
			}
			h.FailNext(tc.kind)
			if _, err := ch.Send(context.Background(), sampleOutbound(ch, h)); !errors.Is(err, tc.want) {
				t.Errorf("kind %d: got %v, want %v", tc.kind, err, tc.want)
			}
			if len(slept) != 0 {
				t.Errorf("kind %d was retried", tc.kind)
			}
		}
	})
	t.Run("RetryableIsRetried", func(t *testing.T) {
		h := newHarness(t)
		if !h.Features.InjectFailures {
			t.Skip("adapter does not support injected failures")
		}
		var mu sync.Mutex
		var slept []time.Duration
		ch, err := channel.Open(h.Adapter, &channel.Config{Sleep: noSleep(&slept, &mu)})
		if err != nil {
			t.Fatal(err)
		}
		h.FailNext(channeldriver.Retryable)
		if _, err := ch.Send(context.Background(), sampleOutbound(ch, h)); err != nil {
			t.Fatalf("Send after one retryable failure: %v", err)
		}
		if len(slept) != 1 || len(h.Sent()) != 1 {
			t.Fatalf("slept %v, platform received %d, want one backoff and one message", slept, len(h.Sent()))
		}
	})
	t.Run("RateLimitReset", func(t *testing.T) {
		h := newHarness(t)
		if !h.Features.RateLimit {
			t.Skip("adapter does not support injected rate limits")
		}
		now := time.Now()
		reset := now.Add(20 * time.Second).Truncate(time.Second)
		one, err := channel.Open(h.Adapter, &channel.Config{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		h.RateLimitNext(reset)
		_, err = one.Send(context.Background(), sampleOutbound(one, h))
		var rl *channel.RateLimitError
		if !errors.Is(err, channel.ErrRateLimited) || !errors.As(err, &rl) {
			t.Fatalf("got %v, want ErrRateLimited with a *RateLimitError", err)
		}
		// Platforms with relative Retry-After headers give whole seconds.
		if d := rl.Reset.Sub(reset); d < -2*time.Second || d > 2*time.Second {
			t.Errorf("reset %v, want %v (within 2s)", rl.Reset, reset)
		}
		var mu sync.Mutex
		var slept []time.Duration
		two, err := channel.Open(h.Adapter, &channel.Config{MaxAttempts: 2, Now: func() time.Time { return now }, Sleep: noSleep(&slept, &mu)})
		if err != nil {
			t.Fatal(err)
		}
		h.RateLimitNext(reset)
		if _, err := two.Send(context.Background(), sampleOutbound(two, h)); err != nil {
			t.Fatalf("Send after reset: %v", err)
		}
		if len(slept) != 1 || slept[0] < reset.Sub(now)-2*time.Second || slept[0] > reset.Sub(now)+2*time.Second {
			t.Fatalf("slept %v, want [%v] (until the reset, within 2s)", slept, reset.Sub(now))
		}
	})
	t.Run("Webhook", func(t *testing.T) {
		h := newHarness(t)
		if !h.Features.Webhook {
			t.Skip("adapter has no webhook")
		}
		var mu sync.Mutex
		var got []channel.Message
		rc, err := channel.NewReceiver(h.Webhook, func(_ context.Context, m channel.Message) error {
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
			return nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		post := func(body []byte, sign bool) int {
			r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			if sign {
				h.Sign(r, body)
			}
			w := httptest.NewRecorder()
			rc.ServeHTTP(w, r)
			return w.Code
		}
		if c := post(h.Payload, false); c != http.StatusUnauthorized {
			t.Errorf("unsigned: status %d, want 401", c)
		}
		forged := append(bytes.Clone(h.Payload[:len(h.Payload)-1]), ' ')
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(forged))
		h.Sign(r, h.Payload)
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden {
			t.Errorf("forged: status %d, want 403", w.Code)
		}
		if len(got) != 0 {
			t.Fatalf("rejected requests delivered %d messages", len(got))
		}
		if c := post(h.Payload, true); c != http.StatusOK {
			t.Fatalf("signed: status %d, want 200", c)
		}
		n := len(got)
		if n == 0 {
			t.Fatal("signed payload delivered nothing")
		}
		for _, m := range got {
			if m.ID == "" || m.Channel == "" || m.Account == "" || m.Author.ID == "" || m.ConversationID == "" || m.ReceivedAt.IsZero() {
				t.Errorf("incomplete message (ID, Channel, Account, Author.ID, ConversationID and ReceivedAt are required) %+v", m)
			}
		}
		if c := post(h.Payload, true); c != http.StatusOK {
			t.Fatalf("redelivery: status %d, want 200", c)
		}
		if len(got) != n {
			t.Fatalf("redelivery delivered again: %d messages, want %d", len(got), n)
		}
	})
}

func (h *Harness) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// runWindowTests checks that the adapter's declared windows and private
// reply rules are enforced: by the portable channel before any I/O, for
// every adapter, and by the platform itself when Features.PlatformRules.
func runWindowTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("WindowsEnforcedBeforeIO", func(t *testing.T) {
		h := newHarness(t)
		now := h.now()
		ch, err := channel.Open(h.Adapter, &channel.Config{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		caps := ch.Capabilities()
		ctx := context.Background()
		send := func(what string, m *channel.Outbound, want error) {
			t.Helper()
			before := len(h.Sent())
			_, err := ch.Send(ctx, m)
			switch {
			case want == nil && err != nil:
				t.Errorf("%s: %v", what, err)
			case want != nil:
				var we *channel.WindowError
				if !errors.Is(err, want) || !errors.As(err, &we) {
					t.Errorf("%s: got %v, want %v as a *channel.WindowError", what, err, want)
				}
				if len(h.Sent()) != before {
					t.Errorf("%s: refused send reached the platform", what)
				}
			}
		}
		ran := false
		if w := caps.MessagingWindow; w > 0 && caps.PrivateMessage && h.Recipient != "" {
			ran = true
			send("direct message outside the window", &channel.Outbound{To: h.Recipient, Text: "late", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-w - time.Minute)}, channel.ErrWindowClosed)
			send("direct message inside the window", &channel.Outbound{To: h.Recipient, Text: "in time", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-w + time.Minute)}, nil)
			if hw := caps.HumanAgentWindow; hw > w {
				send("HUMAN_AGENT inside its window", &channel.Outbound{To: h.Recipient, Text: "agent", Visibility: channel.Private, Tag: channel.HumanAgent, LastCustomerMessageAt: now.Add(-hw + time.Hour)}, nil)
				send("HUMAN_AGENT after its window", &channel.Outbound{To: h.Recipient, Text: "agent late", Visibility: channel.Private, Tag: channel.HumanAgent, LastCustomerMessageAt: now.Add(-hw - time.Hour)}, channel.ErrWindowClosed)
			}
			if caps.Templates {
				send("template outside the window", &channel.Outbound{To: h.Recipient, Visibility: channel.Private, Template: &channel.Template{Name: "case_update", Language: "en_US", Parameters: []string{"AB12"}}, LastCustomerMessageAt: now.Add(-30 * 24 * time.Hour)}, nil)
			}
		}
		if caps.PrivateReplyToComment && h.InReplyTo != "" {
			ran = true
			pr := &channel.Outbound{InReplyTo: h.InReplyTo, InReplyToItem: channel.ItemComment, To: h.Recipient, Text: "private reply", Visibility: channel.Private, InReplyToAt: now.Add(-time.Hour)}
			send("first private reply", pr, nil)
			send("second private reply to one comment", pr, channel.ErrPrivateReplyUsed)
			if w := caps.PrivateReplyWindow; w > 0 {
				send("private reply after its window", &channel.Outbound{InReplyTo: h.InReplyTo + "-old", InReplyToItem: channel.ItemComment, Text: "too late", Visibility: channel.Private, InReplyToAt: now.Add(-w - time.Hour)}, channel.ErrWindowClosed)
			}
		}
		if !ran {
			t.Skip("adapter declares no messaging window and no private replies")
		}
	})
	t.Run("PlatformEnforcesRules", func(t *testing.T) {
		h := newHarness(t)
		if !h.Features.PlatformRules {
			t.Skip("the platform behind the harness does not enforce rules (Features.PlatformRules)")
		}
		if h.Record == nil {
			t.Fatal("Features.PlatformRules needs Harness.Record")
		}
		a, caps, now, ctx := h.Adapter, h.Adapter.Capabilities(), h.now(), context.Background()
		refused := func(what string, m *channeldriver.Outbound, want channeldriver.ErrorKind) {
			t.Helper()
			before := len(h.Sent())
			_, err := a.Send(ctx, m)
			if err == nil {
				t.Errorf("%s: the platform accepted it", what)
			} else if want != channeldriver.Unknown && a.ErrorKind(err) != want {
				t.Errorf("%s: ErrorKind(%v) = %d, want %d", what, err, a.ErrorKind(err), want)
			}
			if len(h.Sent()) != before {
				t.Errorf("%s: the platform delivered it", what)
			}
		}
		accepted := func(what string, m *channeldriver.Outbound) {
			t.Helper()
			if _, err := a.Send(ctx, m); err != nil {
				t.Errorf("%s: %v", what, err)
			}
		}
		if !caps.PublicReply {
			refused("public reply on a surface without public replies", &channeldriver.Outbound{InReplyTo: h.InReplyTo, Text: "public", Visibility: channeldriver.Public}, channeldriver.Unknown)
		}
		if !caps.PrivateReplyToComment {
			refused("private reply on a surface without private replies", &channeldriver.Outbound{InReplyTo: h.InReplyTo, Text: "private reply", Visibility: channeldriver.Private}, channeldriver.Unknown)
		}
		if n := caps.MaxTextLen; n > 0 {
			long := &channeldriver.Outbound{InReplyTo: h.InReplyTo, To: h.Recipient, Text: strings.Repeat("a", n+1)}
			if !caps.PublicReply {
				long.Visibility = channeldriver.Private
			}
			refused("text over MaxTextLen", long, channeldriver.Unknown)
		}
		if w := caps.MessagingWindow; w > 0 && caps.PrivateMessage && h.Recipient != "" {
			h.Record(channeldriver.Message{ID: "conformance-dm-old", Author: channeldriver.Author{ID: h.Recipient}, Visibility: channeldriver.Private, Item: channeldriver.ItemMessage, ReceivedAt: now.Add(-w - time.Hour), Text: "hello?"})
			refused("direct message outside the messaging window", &channeldriver.Outbound{To: h.Recipient, Text: "late", Visibility: channeldriver.Private}, channeldriver.WindowClosed)
			h.Record(channeldriver.Message{ID: "conformance-dm-new", Author: channeldriver.Author{ID: h.Recipient}, Visibility: channeldriver.Private, Item: channeldriver.ItemMessage, ReceivedAt: now.Add(-time.Minute), Text: "hello again"})
			accepted("direct message inside the messaging window", &channeldriver.Outbound{To: h.Recipient, Text: "in time", Visibility: channeldriver.Private})
		}
		if caps.PrivateReplyToComment {
			h.Record(channeldriver.Message{ID: "conformance-comment", Author: channeldriver.Author{ID: h.Recipient}, Visibility: channeldriver.Public, Item: channeldriver.ItemComment, ReceivedAt: now.Add(-time.Hour), Text: "help"})
			pr := &channeldriver.Outbound{InReplyTo: "conformance-comment", InReplyToItem: channeldriver.ItemComment, Text: "private reply", Visibility: channeldriver.Private}
			accepted("first private reply", pr)
			refused("second private reply to one comment", pr, channeldriver.WindowClosed)
			if w := caps.PrivateReplyWindow; w > 0 {
				h.Record(channeldriver.Message{ID: "conformance-comment-old", Author: channeldriver.Author{ID: h.Recipient}, Visibility: channeldriver.Public, Item: channeldriver.ItemComment, ReceivedAt: now.Add(-w - time.Hour), Text: "help"})
				refused("private reply after PrivateReplyWindow", &channeldriver.Outbound{InReplyTo: "conformance-comment-old", InReplyToItem: channeldriver.ItemComment, Text: "too late", Visibility: channeldriver.Private}, channeldriver.WindowClosed)
			}
		}
	})
}
