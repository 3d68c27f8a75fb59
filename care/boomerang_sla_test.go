package care_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/sla"
)

// roundTheClock is one 24/7 policy: acknowledge 30m, first and next
// response 1h, resolve 24h.
func roundTheClock(t *testing.T) *sla.Policies {
	t.Helper()
	ps, err := sla.NewPolicies(sla.Policy{Name: "24x7", Acknowledge: 30 * time.Minute, FirstResponse: time.Hour,
		NextResponse: time.Hour, Resolve: 24 * time.Hour})
	require.NoError(t, err)
	return ps
}

// boomeranged answers a conversation five minutes after its message and
// boomerangs it for three days; it returns the conversation's key.
func boomeranged(t *testing.T, d *caretest.Desk) string {
	t.Helper()
	in := d.RequireIngest(t, xmsg("m1", "c1", "my refund never arrived"))
	d.Clock.Advance(5 * time.Minute)
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "I've chased our payments team; I'll write back on Friday.", care.ReplyOptions{})
	_, err := d.Boomerang(ctx, a, caretest.Start.Add(72*time.Hour+5*time.Minute), "check the refund")
	require.NoError(t, err)
	return in.Key
}

// tickUntil ticks the desk every hour up to Start+until.
func tickUntil(t *testing.T, d *caretest.Desk, until time.Duration) {
	t.Helper()
	for d.Clock.Now().Before(caretest.Start.Add(until)) {
		d.Advance(t, time.Hour)
	}
}

// TestBoomerangPausesSLA boomerangs a conversation answered after five
// minutes for three days: by default its resolve timer (24h) stops for the
// three days and runs again from the Boomerang's return with the 23h55m it
// had left; with SLADuringBoomerang it breaches during the Boomerang.
func TestBoomerangPausesSLA(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		during bool
		want   []string
	}{
		{"paused by default", false, []string{
			"resolve sla_warning 0.75 @90h0m0s", // 72h05m + (18h − 5m)
			"resolve sla_warning 0.9 @93h36m0s", // 72h05m + (21h36m − 5m)
			"resolve sla_breach 1 @96h0m0s",
		}},
		{"SLADuringBoomerang", true, []string{
			"resolve sla_warning 0.75 @18h0m0s",
			"resolve sla_warning 0.9 @21h36m0s",
			"resolve sla_breach 1 @24h0m0s",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := &care.Config{Policies: roundTheClock(t), SLADuringBoomerang: tt.during, Acknowledgement: care.AckConfig{Disabled: true}}
			d := longLeaseDesk(t, cfg, caretest.Start, care.Agent{ID: "ana", Name: "Ana Souza"})
			key := boomeranged(t, d)
			c, err := d.Conversation(context.Background(), key)
			ok := err == nil
			require.True(t, ok)
			if tt.during {
				require.Empty(t, c.SLAPauses)
			} else {
				require.Equal(t, []care.SLAPause{{From: caretest.Start.Add(5 * time.Minute), FromTurn: 2}}, c.SLAPauses)
			}
			tickUntil(t, d, 97*time.Hour)
			require.Equal(t, tt.want, alerts(d, key))
			if !tt.during {
				c, _ = d.Conversation(context.Background(), key)
				require.Equal(t, []care.SLAPause{{From: caretest.Start.Add(5 * time.Minute), FromTurn: 2,
					To: caretest.Start.Add(72*time.Hour + 5*time.Minute), ToTurn: 2}}, c.SLAPauses)
			}
		})
	}
}

// TestBoomerangResumedByCustomer: a customer message during the Boomerang
// resumes the clock at once, and starts a next-response cycle.
func TestBoomerangResumedByCustomer(t *testing.T) {
	t.Parallel()
	cfg := &care.Config{Policies: roundTheClock(t), Acknowledgement: care.AckConfig{Disabled: true}}
	d := longLeaseDesk(t, cfg, caretest.Start, care.Agent{ID: "ana", Name: "Ana Souza"})
	key := boomeranged(t, d)
	tickUntil(t, d, 24*time.Hour) // hourly from 00:05: the clock reads 24h05m
	require.Equal(t, caretest.Start.Add(24*time.Hour+5*time.Minute), d.Clock.Now())
	require.Empty(t, alerts(d, key), "paused: no alert")
	d.RequireIngest(t, xmsg("m2", "c1", "still nothing on my card"))
	tickUntil(t, d, 43*time.Hour)
	require.Equal(t, []string{
		"next_response sla_warning 0.75 @24h50m0s",
		"next_response sla_warning 0.9 @24h59m0s",
		"next_response sla_breach 1 @25h5m0s",
		"resolve sla_warning 0.75 @42h0m0s", // 24h05m + (18h − 5m)
	}, alerts(d, key))
	c, _ := d.Conversation(context.Background(), key)
	require.Equal(t, []care.SLAPause{{From: caretest.Start.Add(5 * time.Minute), FromTurn: 2,
		To: caretest.Start.Add(24*time.Hour + 5*time.Minute), ToTurn: 2}}, c.SLAPauses)
}

// TestBoomerangPauseRestored restarts the desk (a second desk on the same
// store) during the Boomerang: the rebuilt clock is paused, and resumes
// when the Boomerang comes due, as the first desk's would have.
func TestBoomerangPauseRestored(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	cfg := &care.Config{Store: store, Policies: roundTheClock(t), Acknowledgement: care.AckConfig{Disabled: true}}
	d1 := longLeaseDesk(t, cfg, caretest.Start, care.Agent{ID: "ana", Name: "Ana Souza"})
	key := boomeranged(t, d1)

	d2 := longLeaseDesk(t, cfg, caretest.Start, care.Agent{ID: "ana", Name: "Ana Souza"})
	require.NoError(t, d2.Restore(ctx))
	d2.Clock.Set(caretest.Start.Add(5 * time.Minute))
	tickUntil(t, d2, 97*time.Hour)
	require.Equal(t, []string{"resolve sla_warning 0.75 @90h0m0s", "resolve sla_warning 0.9 @93h36m0s", "resolve sla_breach 1 @96h0m0s"},
		alerts(d2, key))
}
