package memchannel_test

import (
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/channeldrivertest"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// TestConformance runs the suite on every surface profile, with the
// platform rules the fake enforces.
func TestConformance(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	for _, kind := range []channeldriver.Kind{channeldriver.X, channeldriver.Messenger, channeldriver.Facebook, channeldriver.Instagram, channeldriver.WhatsApp, channeldriver.Chat} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			channeldrivertest.RunConformanceTests(t, func(t *testing.T) channeldrivertest.Harness {
				a, err := memchannel.New(kind, &memchannel.Config{Now: func() time.Time { return now }})
				if err != nil {
					t.Fatal(err)
				}
				return harness(a, now)
			})
		})
	}
}

func harness(a *memchannel.Adapter, now time.Time) channeldrivertest.Harness {
	return channeldrivertest.Harness{
		Adapter:       a,
		InReplyTo:     "m1",
		Recipient:     "u1",
		Features:      channeldrivertest.Features{InjectFailures: true, RateLimit: true, PlatformRules: true},
		FailNext:      func(k channeldriver.ErrorKind) { a.FailNext(k) },
		RateLimitNext: a.RateLimitNext,
		Now:           func() time.Time { return now },
		Record:        func(m channeldriver.Message) { a.Record(m) },
		Sent: func() []string {
			var out []string
			for _, s := range a.Sent() {
				out = append(out, s.Text)
			}
			return out
		},
	}
}
