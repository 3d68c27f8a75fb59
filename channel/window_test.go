package channel_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/channel/metachannel"
	"github.com/socialcare/socialcare/channel/xchannel"
)

var t0 = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// TestBadArgumentsAreErrInvalid: every constructor's bad argument wraps
// channel.ErrInvalid and says what to do.
func TestBadArgumentsAreErrInvalid(t *testing.T) {
	t.Parallel()
	sink := func(context.Context, channel.Message) error { return nil }
	_, e1 := channel.New(nil)
	_, e2 := channel.Open(nil, nil)
	_, e3 := memchannel.New("", nil)
	_, e4 := channel.NewReceiver(nil, sink, nil)
	_, e5 := metachannel.New(nil)
	_, e6 := metachannel.NewWebhook("", "")
	_, e7 := xchannel.New(nil)
	_, e8 := xchannel.NewWebhook("")
	_, e9 := xchannel.OpenWebhook(&xchannel.WebhookConfig{})
	a, _ := memchannel.New(channel.X, nil)
	_, e10 := channel.Open(a, &channel.Config{MaxAttempts: -1})
	for i, err := range []error{e1, e2, e3, e4, e5, e6, e7, e8, e9, e10} {
		if !errors.Is(err, channel.ErrInvalid) {
			t.Errorf("%d: %v does not wrap channel.ErrInvalid", i+1, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, ";") {
			t.Errorf("%d: %q does not say what to do", i+1, msg)
		}
	}
	if !strings.Contains(e1.Error(), "memchannel.New") || !strings.Contains(e3.Error(), "channel.X") {
		t.Errorf("hints: %q, %q", e1, e3)
	}
}

// TestCheckWindow is CheckWindow over fixed instants.
func TestCheckWindow(t *testing.T) {
	t.Parallel()
	messenger, _ := metachannel.SurfaceCapabilities(channel.Messenger)
	instagram, _ := metachannel.SurfaceCapabilities(channel.Instagram)
	facebook, _ := metachannel.SurfaceCapabilities(channel.Facebook)
	whatsapp, _ := metachannel.SurfaceCapabilities(channel.WhatsApp)
	x := xchannel.SurfaceCapabilities()
	h := time.Hour
	dm := func(ago time.Duration) channel.Outbound {
		return channel.Outbound{To: "u", Text: "hi", Visibility: channel.Private, LastCustomerMessageAt: t0.Add(-ago)}
	}
	tagged := func(ago time.Duration, tag channel.MessageTag) channel.Outbound {
		o := dm(ago)
		o.Tag = tag
		return o
	}
	pr := func(ago time.Duration) channel.Outbound {
		return channel.Outbound{InReplyTo: "c1", InReplyToItem: channel.ItemComment, To: "u", Text: "hi", Visibility: channel.Private, InReplyToAt: t0.Add(-ago)}
	}
	tpl := dm(30 * 24 * h)
	tpl.Text, tpl.Template = "", &channel.Template{Name: "case_update", Language: "en_US"}
	for _, tc := range []struct {
		name string
		caps channel.Capabilities
		out  channel.Outbound
		want channel.WindowRule // "" for allowed
	}{
		{"messenger inside 24h", messenger, dm(23 * h), ""},
		{"messenger exactly 24h", messenger, dm(24 * h), ""},
		{"messenger after 24h", messenger, dm(24*h + time.Second), channel.RuleMessaging},
		{"messenger unknown last message", messenger, channel.Outbound{To: "u", Text: "hi", Visibility: channel.Private}, ""},
		{"messenger HUMAN_AGENT at 6 days", messenger, tagged(6*24*h, channel.HumanAgent), ""},
		{"messenger HUMAN_AGENT at 8 days", messenger, tagged(8*24*h, channel.HumanAgent), channel.RuleHumanAgent},
		{"messenger ACCOUNT_UPDATE at 30 days", messenger, tagged(30*24*h, channel.AccountUpdate), ""},
		{"instagram ACCOUNT_UPDATE after 24h (no such tag)", instagram, tagged(25*h, channel.AccountUpdate), channel.RuleMessaging},
		{"instagram HUMAN_AGENT at 3 days", instagram, tagged(3*24*h, channel.HumanAgent), ""},
		{"whatsapp after 24h", whatsapp, dm(25 * h), channel.RuleMessaging},
		{"whatsapp template at 30 days", whatsapp, tpl, ""},
		{"instagram private reply at 6 days", instagram, pr(6 * 24 * h), ""},
		{"instagram private reply at 8 days", instagram, pr(8 * 24 * h), channel.RulePrivateReply},
		{"facebook private reply at 8 days", facebook, pr(8 * 24 * h), channel.RulePrivateReply},
		{"x DM at 30 days (no window)", x, dm(30 * 24 * h), ""},
		{"public reply is never windowed", messenger, channel.Outbound{InReplyTo: "c", Text: "hi", LastCustomerMessageAt: t0.Add(-100 * h)}, ""},
	} {
		err := channel.CheckWindow(tc.caps, &tc.out, t0)
		var we *channel.WindowError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (!errors.As(err, &we) || we.Rule != tc.want || !errors.Is(err, channel.ErrWindowClosed)):
			t.Errorf("%s: got %v, want rule %q", tc.name, err, tc.want)
		}
	}
}

// countingAdapter counts Send calls, to prove refusals happen before I/O.
type countingAdapter struct {
	*memchannel.Adapter
	calls int
}

func (c *countingAdapter) Send(ctx context.Context, m *channeldriver.Outbound) (channeldriver.Receipt, error) {
	c.calls++
	return c.Adapter.Send(ctx, m)
}

// TestWindowEnforcedBeforeIO is issue point 3: a DM outside the window
// fails with a typed error and no I/O, unless tagged (Messenger) or a
// template (WhatsApp); the window rule and the clock are injected.
func TestWindowEnforcedBeforeIO(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := t0
	clock := func() time.Time { return now }
	m, _ := memchannel.New(channel.Messenger, &memchannel.Config{Now: clock})
	ca := &countingAdapter{Adapter: m}
	ch, err := channel.Open(ca, &channel.Config{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	late := &channel.Outbound{To: "psid1", Text: "Any news?", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-25 * time.Hour)}
	_, err = ch.Send(ctx, late)
	var we *channel.WindowError
	if !errors.Is(err, channel.ErrWindowClosed) || !errors.As(err, &we) || we.Rule != channel.RuleMessaging || we.Window != 24*time.Hour || !we.Since.Equal(late.LastCustomerMessageAt) {
		t.Fatalf("late DM: %v", err)
	}
	if err := ch.Validate(late); !errors.As(err, &we) {
		t.Fatalf("Validate: %v", err)
	}
	if ca.calls != 0 {
		t.Fatalf("a refused DM reached the adapter %d times", ca.calls)
	}
	late.Tag = channel.HumanAgent
	if _, err := ch.Send(ctx, late); err != nil {
		t.Fatalf("HUMAN_AGENT at 25h: %v", err)
	}
	// The injected rule replaces CheckWindow.
	calls := 0
	strict, _ := channel.Open(ca, &channel.Config{Now: clock, Window: func(caps channel.Capabilities, o *channel.Outbound, at time.Time) error {
		calls++
		if !at.Equal(now) {
			t.Errorf("window rule got %v, want the injected clock's %v", at, now)
		}
		return &channel.WindowError{Rule: channel.RuleMessaging, Window: time.Hour, Since: at, Now: at}
	}})
	if _, err := strict.Send(ctx, &channel.Outbound{To: "psid1", Text: "hi", Visibility: channel.Private}); !errors.Is(err, channel.ErrWindowClosed) || calls != 1 {
		t.Fatalf("injected rule: %v, %d calls", err, calls)
	}

	wa, _ := memchannel.New(channel.WhatsApp, &memchannel.Config{Now: clock})
	wch, _ := channel.New(wa)
	old := now.Add(-72 * time.Hour)
	if _, err := wch.Send(ctx, &channel.Outbound{To: "16505551234", Text: "Your bag is found", Visibility: channel.Private, LastCustomerMessageAt: old}); !errors.Is(err, channel.ErrWindowClosed) {
		t.Fatalf("WhatsApp text at 72h: %v", err)
	}
	tpl := &channel.Outbound{To: "16505551234", Visibility: channel.Private, LastCustomerMessageAt: old,
		Template: &channel.Template{Name: "bag_found", Language: "en_US", Parameters: []string{"AB123"}}}
	if _, err := wch.Send(ctx, tpl); err != nil {
		t.Fatalf("WhatsApp template at 72h: %v", err)
	}
	if got := wa.Sent(); len(got) != 1 || got[0].Template == nil || got[0].Template.Name != "bag_found" {
		t.Fatalf("sent %+v", got)
	}
}

// TestTagsAndTemplatesValidated: tags and templates only where the
// surface has them, and well formed.
func TestTagsAndTemplatesValidated(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return t0 }
	open := func(k channel.Kind) *channel.Channel {
		a, _ := memchannel.New(k, &memchannel.Config{Now: clock})
		ch, err := channel.New(a)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	tpl := &channel.Template{Name: "n", Language: "en_US"}
	for _, tc := range []struct {
		kind channel.Kind
		out  channel.Outbound
		want error
	}{
		{channel.X, channel.Outbound{To: "u", Text: "hi", Visibility: channel.Private, Tag: channel.HumanAgent}, channel.ErrUnsupported},
		{channel.Instagram, channel.Outbound{To: "u", Text: "hi", Visibility: channel.Private, Tag: channel.PostPurchaseUpdate}, channel.ErrUnsupported},
		{channel.Messenger, channel.Outbound{To: "u", Text: "hi", Visibility: channel.Private, Tag: "SHIPPING_UPDATE"}, channel.ErrInvalid},
		{channel.Facebook, channel.Outbound{InReplyTo: "c", Text: "hi", Tag: channel.HumanAgent}, channel.ErrInvalid},
		{channel.Messenger, channel.Outbound{To: "u", Visibility: channel.Private, Template: tpl}, channel.ErrUnsupported},
		{channel.WhatsApp, channel.Outbound{To: "u", Visibility: channel.Private, Template: &channel.Template{Name: "n"}}, channel.ErrInvalid},
		{channel.WhatsApp, channel.Outbound{To: "u", Text: "and text", Visibility: channel.Private, Template: tpl}, channel.ErrInvalid},
		{channel.WhatsApp, channel.Outbound{Visibility: channel.Private, Template: tpl}, channel.ErrInvalid},
	} {
		if err := open(tc.kind).Validate(&tc.out); !errors.Is(err, tc.want) {
			t.Errorf("%s %+v: got %v, want %v", tc.kind, tc.out, err, tc.want)
		}
	}
}

// TestPrivateReplyOncePerComment: the second private reply to a comment
// is refused before any I/O with ErrPrivateReplyUsed; a failed one can be
// sent again; later private messages follow the messaging window.
func TestPrivateReplyOncePerComment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := func() time.Time { return t0 }
	m, _ := memchannel.New(channel.Instagram, &memchannel.Config{Now: clock})
	ca := &countingAdapter{Adapter: m}
	ch, _ := channel.Open(ca, &channel.Config{Now: clock, MaxAttempts: 1})
	pr := &channel.Outbound{InReplyTo: "17865799348089039", InReplyToItem: channel.ItemComment, InReplyToAt: t0.Add(-time.Hour),
		To: "232323232", Text: "We have sent you a DM", Visibility: channel.Private}
	m.FailNext(channeldriver.Retryable)
	if _, err := ch.Send(ctx, pr); !errors.Is(err, channel.ErrRetryable) {
		t.Fatalf("failed private reply: %v", err)
	}
	r, err := ch.Send(ctx, pr)
	if err != nil {
		t.Fatalf("private reply after a failure: %v", err)
	}
	if r.PrivateChannel != channel.Instagram || r.PrivateConversationID != "232323232" || r.RecipientID != "232323232" {
		t.Fatalf("receipt %+v", r)
	}
	calls := ca.calls
	_, err = ch.Send(ctx, pr)
	var we *channel.WindowError
	if !errors.Is(err, channel.ErrPrivateReplyUsed) || !errors.Is(err, channel.ErrWindowClosed) || !errors.As(err, &we) || we.Rule != channel.RulePrivateReplyUsed {
		t.Fatalf("second private reply: %v", err)
	}
	if ca.calls != calls {
		t.Fatal("the second private reply reached the adapter")
	}
	// After the private reply, a DM needs the customer to have written
	// within 24 hours.
	dm := &channel.Outbound{To: "232323232", Text: "Any news?", Visibility: channel.Private, LastCustomerMessageAt: t0.Add(-30 * time.Hour)}
	if _, err := ch.Send(ctx, dm); !errors.Is(err, channel.ErrWindowClosed) {
		t.Fatalf("DM outside the window after the private reply: %v", err)
	}
	// A private reply too late.
	late := *pr
	late.InReplyTo, late.InReplyToAt = "17865799348089040", t0.Add(-8*24*time.Hour)
	if _, err := ch.Send(ctx, &late); !errors.As(err, &we) || we.Rule != channel.RulePrivateReply {
		t.Fatalf("private reply at 8 days: %v", err)
	}
}
