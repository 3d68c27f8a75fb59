package memchannel_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// TestNeverWaitsInRealTime sends well past the default client rate limit
// (50/s, burst 50) and through retries on a frozen virtual clock: the
// portable channel must take the fake's clock and sleep, so nothing waits
// in real time, and the waits are still computed on the virtual clock.
func TestNeverWaitsInRealTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	a, err := memchannel.New(channel.Chat, &memchannel.Config{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := channel.New(a)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	const n = 500
	for i := range n {
		if i == 10 {
			a.FailNext(channeldriver.Retryable, channeldriver.Retryable)
		}
		if _, err := ch.Send(context.Background(), &channel.Outbound{InReplyTo: "m1", Text: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("%d sends took %v of real time; the fake must not wait in real time", n, el)
	}
	if got := len(a.Sent()); got != n {
		t.Fatalf("sent %d, want %d", got, n)
	}
	// 450 sends beyond the burst at 50/s is 9s of rate-limit waiting on
	// the virtual clock, plus the backoff of two retries.
	if w := a.Waited(); w < 9*time.Second {
		t.Fatalf("waited %v on the virtual clock, want at least 9s", w)
	}
}

// TestSleepFollowsInjectedSleep checks that Config.Sleep receives the
// waits, so that a test can advance its own clock.
func TestSleepFollowsInjectedSleep(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	a, err := memchannel.New(channel.Chat, &memchannel.Config{
		Now:   func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := channel.Open(a, &channel.Config{Rate: 1, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	t0 := now
	for range 3 {
		if _, err := ch.Send(context.Background(), &channel.Outbound{InReplyTo: "m1", Text: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	if d := now.Sub(t0); d != 2*time.Second {
		t.Fatalf("virtual clock moved %v, want 2s (1/s, burst 1)", d)
	}
}
