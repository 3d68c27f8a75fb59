package memchannel_test

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

// TestProfilesMatchTheAdapters: a fake declares what the real adapter of
// its kind declares.
func TestProfilesMatchTheAdapters(t *testing.T) {
	t.Parallel()
	if memchannel.Profile(channel.X) != xchannel.SurfaceCapabilities() {
		t.Error("X profile differs from xchannel")
	}
	for _, k := range []channel.Kind{channel.Messenger, channel.Facebook, channel.Instagram, channel.WhatsApp} {
		want, _ := metachannel.SurfaceCapabilities(k)
		a, _ := memchannel.New(k, nil)
		if a.Capabilities() != want {
			t.Errorf("%s: fake declares %+v, metachannel %+v", k, a.Capabilities(), want)
		}
	}
}

// TestFakesBehaveLikeThePlatforms is issue point 7: sent straight through
// the adapter (no portable checks), the Messenger fake refuses public
// replies and DMs outside its window, the X fake refuses private replies
// to comments, a comment gets one private reply, text over the limit is
// refused, all on the injected clock.
func TestFakesBehaveLikeThePlatforms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fake := func(k channel.Kind) *memchannel.Adapter {
		a, err := memchannel.New(k, &memchannel.Config{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	refused := func(a *memchannel.Adapter, what string, m *channeldriver.Outbound, kind channeldriver.ErrorKind) {
		t.Helper()
		_, err := a.Send(ctx, m)
		var re *memchannel.RefusedError
		if !errors.As(err, &re) || a.ErrorKind(err) != kind {
			t.Errorf("%s %s: got %v, want a refusal of kind %d", a.Kind(), what, err, kind)
		}
	}
	ms := fake(channel.Messenger)
	refused(ms, "public reply", &channeldriver.Outbound{InReplyTo: "m1", Text: "hi"}, channeldriver.Invalid)
	ms.Record(channel.Message{ID: "m1", Author: channel.Author{ID: "psid"}, Visibility: channel.Private, ReceivedAt: now.Add(-25 * time.Hour)})
	refused(ms, "DM at 25h", &channeldriver.Outbound{To: "psid", Text: "hi", Visibility: channel.Private}, channeldriver.WindowClosed)
	if _, err := ms.Send(ctx, &channeldriver.Outbound{To: "psid", Text: "hi", Visibility: channel.Private, Tag: channel.HumanAgent}); err != nil {
		t.Errorf("HUMAN_AGENT at 25h: %v", err)
	}
	now = now.Add(7 * 24 * time.Hour)
	refused(ms, "HUMAN_AGENT at 8 days", &channeldriver.Outbound{To: "psid", Text: "hi", Visibility: channel.Private, Tag: channel.HumanAgent}, channeldriver.WindowClosed)
	refused(ms, "text over 2000", &channeldriver.Outbound{To: "psid", Text: strings.Repeat("a", 2001), Visibility: channel.Private, Tag: channel.AccountUpdate}, channeldriver.Invalid)

	x := fake(channel.X)
	refused(x, "private reply to a tweet", &channeldriver.Outbound{InReplyTo: "t1", Text: "hi", Visibility: channel.Private}, channeldriver.Invalid)
	refused(x, "281 characters", &channeldriver.Outbound{InReplyTo: "t1", Text: strings.Repeat("a", 281)}, channeldriver.Invalid)

	fb := fake(channel.Facebook)
	refused(fb, "DM", &channeldriver.Outbound{To: "u1", Text: "hi", Visibility: channel.Private}, channeldriver.Invalid)
	fb.Record(channel.Message{ID: "c1", Author: channel.Author{ID: "u1"}, Item: channel.ItemComment, ReceivedAt: now.Add(-time.Hour)})
	pr := &channeldriver.Outbound{InReplyTo: "c1", To: "u1", Text: "hi", Visibility: channel.Private}
	r, err := fb.Send(ctx, pr)
	if err != nil || r.PrivateChannel != channel.Messenger || r.PrivateConversationID != "u1" {
		t.Fatalf("first private reply: %+v %v", r, err)
	}
	refused(fb, "second private reply", pr, channeldriver.WindowClosed)
	fb.Record(channel.Message{ID: "c-old", Author: channel.Author{ID: "u1"}, Item: channel.ItemComment, ReceivedAt: now.Add(-8 * 24 * time.Hour)})
	refused(fb, "private reply at 8 days", &channeldriver.Outbound{InReplyTo: "c-old", Text: "hi", Visibility: channel.Private}, channeldriver.WindowClosed)

	wa := fake(channel.WhatsApp)
	refused(wa, "public reply", &channeldriver.Outbound{InReplyTo: "w1", Text: "hi"}, channeldriver.Invalid)
	strict, _ := memchannel.New(channel.WhatsApp, &memchannel.Config{Now: clock, Strict: true})
	refused(strict, "DM to a stranger (Strict)", &channeldriver.Outbound{To: "16505551234", Text: "hi", Visibility: channel.Private}, channeldriver.WindowClosed)
	if _, err := strict.Send(ctx, &channeldriver.Outbound{To: "16505551234", Visibility: channel.Private, Template: &channel.Template{Name: "hello", Language: "en"}}); err != nil {
		t.Errorf("template to a stranger: %v", err)
	}
}

// TestPlatformRateLimitFollowsTheClock: Config.Rate throttles on the
// injected clock and says when to come back.
func TestPlatformRateLimitFollowsTheClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	a, _ := memchannel.New(channel.X, &memchannel.Config{Now: func() time.Time { return now }, Rate: 1, Burst: 2})
	out := &channeldriver.Outbound{InReplyTo: "t1", Text: "hi"}
	for range 2 {
		if _, err := a.Send(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	_, err := a.Send(context.Background(), out)
	var rl *channeldriver.RateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(now.Add(time.Second)) {
		t.Fatalf("third send: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := a.Send(context.Background(), out); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
}
