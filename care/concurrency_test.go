package care_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/queue"
)

// TestConcurrentDesk ingests, ticks and works conversations from many
// goroutines at once (run with -race): every conversation gets exactly one
// first response and one resolution, and nothing is acknowledged twice.
func TestConcurrentDesk(t *testing.T) {
	t.Parallel()
	// In a synctest bubble the sleeps that pace the goroutines take no
	// real time.
	synctest.Test(t, func(t *testing.T) {
		const n = 60
		agents := []care.Agent{{ID: "a1", Name: "Ann One"}, {ID: "a2", Name: "Bo Two"}, {ID: "a3", Name: "Cy Three"}}
		d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Delay: time.Second}}, agents...)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := g; i < n; i += 4 {
					_, err := d.Ingest(ctx, withAccount(xmsg(fmt.Sprintf("m%d", i), fmt.Sprintf("c%d", i), "my flight was cancelled")))
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		// 100ms of desk time per real millisecond: fast enough for
		// acknowledgements and expiries to race the agents, slow enough that a
		// lease usually outlives a reply and resolve.
		stopTicks := startTicker(t, d, time.Millisecond, 100*time.Millisecond)
		var resolved atomic.Int64
		for _, a := range agents {
			wg.Go(func() {
				for resolved.Load() < n {
					as, err := d.TryNext(ctx, a.ID, queue.Filter{})
					if errors.Is(err, queue.ErrNoItem) {
						time.Sleep(time.Millisecond)
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					for {
						_, err = d.Reply(ctx, as, "Rebooked you on the next flight.")
						if !errors.Is(err, care.ErrChanged) {
							break
						}
						if err := d.Refresh(context.Background(), as); err != nil { // the automatic acknowledgement slipped in
							t.Error(err)
							return
						}
					}
					if errors.Is(err, queue.ErrLeaseLost) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					// The ticker races the virtual clock ahead, so a lease can
					// expire between the reply and the resolution: the
					// conversation then goes back to the queue and is resolved
					// by whoever claims it next.
					if err := d.Resolve(ctx, as); errors.Is(err, queue.ErrLeaseLost) {
						continue
					} else if err != nil {
						t.Error(err)
						return
					}
					resolved.Add(1)
				}
			})
		}
		wg.Wait()
		stopTicks()
		require.Len(t, d.EventsOf(care.Resolved), n)
		firsts := map[string]int{}
		for _, e := range d.EventsOf(care.FirstResponse) {
			firsts[e.Key]++
		}
		require.Len(t, firsts, n)
		for k, c := range firsts {
			require.Equal(t, 1, c, k)
		}
		acks := map[string]int{}
		for _, e := range d.EventsOf(care.Acknowledged) {
			acks[e.Key]++
		}
		for k, c := range acks {
			require.Equal(t, 1, c, "acknowledged once: %s", k)
		}
	})
}

func withAccount(m channel.Message) channel.Message {
	m.Account = "brand"
	m.ReceivedAt = time.Time{}
	return m
}

// TestConcurrentSLAAlerts races ingests, replies and resolutions against a
// ticker that moves the virtual clock a minute per tick, so that SLA
// warnings and breaches fire while conversations change (run with -race):
// each alert fires at most once, and once every conversation is resolved
// nothing fires, however far the clock goes.
func TestConcurrentSLAAlerts(t *testing.T) {
	t.Parallel()
	// In a synctest bubble the sleeps that pace the goroutines take no
	// real time.
	synctest.Test(t, func(t *testing.T) {
		const n = 40
		var mu sync.Mutex
		type alert struct {
			key, target, kind string
			fraction          float64
			cycle             uint32
		}
		seen := map[alert]int{}
		d := caretest.NewDeskWith(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}, OnEvent: func(e care.Event) {
			if e.Kind == care.SLAWarning || e.Kind == care.SLABreach {
				mu.Lock()
				seen[alert{e.Key, string(e.SLA.Target), e.Kind.String(), e.SLA.Fraction, e.SLA.Cycle}]++
				mu.Unlock()
			}
		}}, &caretest.Options{LeaseTTL: 1000 * time.Hour})
		agents := []care.Agent{{ID: "a1", Name: "Ann One"}, {ID: "a2", Name: "Bo Two"}}
		for _, a := range agents {
			require.NoError(t, d.AddAgent(ctx, a))
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range n {
				if _, err := d.Ingest(ctx, withAccount(xmsg(fmt.Sprintf("m%d", i), fmt.Sprintf("c%d", i), "where is my bag?"))); err != nil {
					t.Error(err)
					return
				}
			}
		})
		stopTicks := startTicker(t, d, 100*time.Microsecond, time.Minute)
		var resolved atomic.Int64
		for _, a := range agents {
			wg.Go(func() {
				for resolved.Load() < n {
					as, err := d.TryNext(ctx, a.ID, queue.Filter{})
					if errors.Is(err, queue.ErrNoItem) {
						time.Sleep(100 * time.Microsecond)
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					time.Sleep(time.Millisecond) // tens of virtual minutes: timers run out meanwhile
					if _, err := d.ReplyWith(ctx, as, "On its way.", care.ReplyOptions{Confirm: true}); err != nil {
						t.Error(err)
						return
					}
					time.Sleep(time.Millisecond)
					if err := d.Resolve(ctx, as); err != nil {
						t.Error(err)
						return
					}
					resolved.Add(1)
				}
			})
		}
		wg.Wait()
		stopTicks()
		mu.Lock()
		before := len(seen)
		mu.Unlock()
		d.Clock.Advance(72 * time.Hour)
		require.NoError(t, d.Tick(ctx))
		mu.Lock()
		require.Equal(t, before, len(seen), "every conversation is resolved: nothing more fires")
		defer mu.Unlock()
		require.NotEmpty(t, seen, "the ticker outran the agents: some alerts fired")
		t.Logf("%d distinct SLA alerts", len(seen))
		for a, c := range seen {
			require.Equal(t, 1, c, "fired once: %+v", a)
		}
	})
}

// startTicker moves d's virtual clock by step and runs its Tick every
// sleep of real time, on its own goroutine, until the returned function is
// called (which waits for the goroutine to end).
func startTicker(t *testing.T, d *caretest.Desk, sleep, step time.Duration) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			time.Sleep(sleep)
			d.Clock.Advance(step)
			if err := d.Tick(ctx); err != nil {
				t.Error(err)
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
