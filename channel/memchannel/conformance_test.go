package memchannel_test

import (
	"testing"

	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/channeldrivertest"
	"github.com/socialcare/socialcare/channel/memchannel"
)

func TestConformance(t *testing.T) {
	for _, kind := range []channeldriver.Kind{channeldriver.X, channeldriver.Messenger} {
		t.Run(string(kind), func(t *testing.T) {
			channeldrivertest.RunConformanceTests(t, func(t *testing.T) channeldrivertest.Harness {
				a, err := memchannel.New(kind, nil)
				if err != nil {
					t.Fatal(err)
				}
				return channeldrivertest.Harness{
					Adapter:       a,
					InReplyTo:     "m1",
					Recipient:     "u1",
					Features:      channeldrivertest.Features{InjectFailures: true, RateLimit: true},
					FailNext:      func(k channeldriver.ErrorKind) { a.FailNext(k) },
					RateLimitNext: a.RateLimitNext,
					Sent: func() []string {
						var out []string
						for _, s := range a.Sent() {
							out = append(out, s.Text)
						}
						return out
					},
				}
			})
		})
	}
}
