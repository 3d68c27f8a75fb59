package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/sla"
)

func splitPolicy(t testing.TB) sla.Policy {
	return sla.Policy{Name: "x-business", Channels: []string{"x"}, Acknowledge: 30 * time.Minute, FirstResponse: time.Hour,
		NextResponse: time.Hour, Update: 4 * time.Hour, Resolve: 8 * time.Hour, Calendar: chicagoSplit(t)}
}

func TestClockScenarios(t *testing.T) {
	t.Parallel()
	chi := mustLoc(t, "America/Chicago")
	type step struct {
		at   string
		do   string // reply-ack, reply, customer, pause, resume, resolve, reopen
		want map[sla.Target]string
	}
	tests := []struct {
		name  string
		start string
		steps []step
		// measured: target -> elapsed, in order of the steps
		measured []sla.Measurement
	}{
		{
			name:  "friday evening before Memorial Day",
			start: "2026-05-22 18:00",
			steps: []step{{at: "2026-05-22 18:00", want: map[sla.Target]string{
				sla.TargetAcknowledge: "2026-05-26 08:30", sla.TargetFirstResponse: "2026-05-26 09:00", sla.TargetResolve: "2026-05-26 17:00"}}},
		},
		{
			name:  "pause across a weekend",
			start: "2026-06-05 09:00", // Friday
			steps: []step{
				{at: "2026-06-05 09:10", do: "reply", want: map[sla.Target]string{sla.TargetUpdate: "2026-06-05 14:10", sla.TargetResolve: "2026-06-08 09:00"}},
				{at: "2026-06-05 15:00", do: "pause", want: map[sla.Target]string{}},
				// Update was already breached at the pause: it keeps its deadline.
				{at: "2026-06-08 10:00", do: "resume", want: map[sla.Target]string{sla.TargetUpdate: "2026-06-05 14:10", sla.TargetResolve: "2026-06-08 14:00"}},
				{at: "2026-06-08 13:00", do: "resolve", want: map[sla.Target]string{}},
			},
			measured: []sla.Measurement{
				{Target: sla.TargetAcknowledge, Elapsed: 10 * time.Minute, Allowed: 30 * time.Minute},
				{Target: sla.TargetFirstResponse, Elapsed: 10 * time.Minute, Allowed: time.Hour},
				{Target: sla.TargetResolve, Elapsed: 7 * time.Hour, Allowed: 8 * time.Hour}, // 5h Friday + 2h Monday
				// The silence since Friday's reply ran over before the
				// pause: resolving reports the miss.
				{Target: sla.TargetUpdate, Elapsed: 6*time.Hour + 50*time.Minute, Allowed: 4 * time.Hour},
			},
		},
		{
			name:  "automatic acknowledgement does not count as first response; next response restarts",
			start: "2026-06-01 09:00",
			steps: []step{
				{at: "2026-06-01 09:01", do: "reply-ack", want: map[sla.Target]string{sla.TargetFirstResponse: "2026-06-01 10:00", sla.TargetUpdate: "2026-06-01 14:01", sla.TargetResolve: "2026-06-02 09:00"}},
				{at: "2026-06-01 11:30", do: "reply", want: map[sla.Target]string{sla.TargetUpdate: "2026-06-01 16:30", sla.TargetResolve: "2026-06-02 09:00"}},
				{at: "2026-06-01 11:45", do: "customer", want: map[sla.Target]string{sla.TargetNextResponse: "2026-06-01 13:45", sla.TargetUpdate: "2026-06-01 16:30", sla.TargetResolve: "2026-06-02 09:00"}},
				{at: "2026-06-01 13:15", do: "reply", want: map[sla.Target]string{sla.TargetUpdate: "2026-06-02 08:15", sla.TargetResolve: "2026-06-02 09:00"}},
			},
			measured: []sla.Measurement{
				{Target: sla.TargetAcknowledge, Elapsed: time.Minute, Allowed: 30 * time.Minute},
				{Target: sla.TargetFirstResponse, Elapsed: 150 * time.Minute, Allowed: time.Hour},
				{Target: sla.TargetUpdate, Elapsed: 149 * time.Minute, Allowed: 4 * time.Hour}, // 09:01 to 11:30
				{Target: sla.TargetNextResponse, Elapsed: 30 * time.Minute, Allowed: time.Hour},
				{Target: sla.TargetUpdate, Elapsed: 45 * time.Minute, Allowed: 4 * time.Hour}, // 11:30 to 13:15, lunch excluded
			},
		},
		{
			name:  "resolved without a reply: the targets it had missed count",
			start: "2026-06-01 09:00",
			steps: []step{{at: "2026-06-01 10:30", do: "resolve", want: map[sla.Target]string{}}},
			measured: []sla.Measurement{
				{Target: sla.TargetResolve, Elapsed: 90 * time.Minute, Allowed: 8 * time.Hour},
				{Target: sla.TargetAcknowledge, Elapsed: 90 * time.Minute, Allowed: 30 * time.Minute},
				{Target: sla.TargetFirstResponse, Elapsed: 90 * time.Minute, Allowed: time.Hour},
			},
		},
		{
			name:  "resolved without a reply within the targets: nothing missed",
			start: "2026-06-01 09:00",
			steps: []step{{at: "2026-06-01 09:20", do: "resolve", want: map[sla.Target]string{}}},
			measured: []sla.Measurement{
				{Target: sla.TargetResolve, Elapsed: 20 * time.Minute, Allowed: 8 * time.Hour},
			},
		},
		{
			name:  "reopen after resolution",
			start: "2026-06-01 09:00",
			steps: []step{
				{at: "2026-06-01 09:20", do: "reply"},
				{at: "2026-06-01 10:00", do: "resolve", want: map[sla.Target]string{}},
				{at: "2026-06-02 16:00", do: "reopen", want: map[sla.Target]string{sla.TargetNextResponse: "2026-06-02 17:00", sla.TargetResolve: "2026-06-03 16:00"}},
				{at: "2026-06-03 08:30", do: "reply", want: map[sla.Target]string{sla.TargetUpdate: "2026-06-03 13:30", sla.TargetResolve: "2026-06-03 16:00"}},
				{at: "2026-06-03 09:00", do: "resolve", want: map[sla.Target]string{}},
			},
			measured: []sla.Measurement{
				{Target: sla.TargetAcknowledge, Elapsed: 20 * time.Minute, Allowed: 30 * time.Minute},
				{Target: sla.TargetFirstResponse, Elapsed: 20 * time.Minute, Allowed: time.Hour},
				{Target: sla.TargetResolve, Elapsed: time.Hour, Allowed: 8 * time.Hour},
				{Target: sla.TargetNextResponse, Elapsed: 90 * time.Minute, Allowed: time.Hour},
				{Target: sla.TargetResolve, Elapsed: 2 * time.Hour, Allowed: 8 * time.Hour},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := splitPolicy(t)
			c := sla.NewClock(p, at(t, chi, tt.start))
			var got []sla.Measurement
			for _, s := range tt.steps {
				now := at(t, chi, s.at)
				switch s.do {
				case "reply-ack":
					got = append(got, c.Reply(now, sla.Acknowledgement)...)
				case "reply":
					got = append(got, c.Reply(now, sla.Response)...)
				case "customer":
					c.CustomerMessage(now)
				case "pause":
					require.NoError(t, c.Pause(now))
				case "resume":
					require.NoError(t, c.Resume(now))
				case "resolve":
					ms, err := c.Resolve(now)
					require.NoError(t, err)
					got = append(got, ms...)
				case "reopen":
					require.NoError(t, c.Reopen(now))
				}
				if s.want == nil {
					continue
				}
				dues := map[sla.Target]string{}
				for _, tm := range c.Timers() {
					dues[tm.Target] = tm.Due.In(chi).Format("2006-01-02 15:04")
				}
				require.Equal(t, s.want, dues, "after %s at %s", s.do, s.at)
			}
			for i := range got {
				got[i].Policy = ""
			}
			if len(tt.measured) == 0 {
				require.Empty(t, got)
				return
			}
			require.Equal(t, tt.measured, got)
		})
	}
}

func TestClockStateErrors(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	c := sla.NewClock(sla.DefaultPolicies().Match("x"), now)
	require.ErrorIs(t, c.Resume(now), sla.ErrState)
	require.ErrorIs(t, c.Reopen(now), sla.ErrState)
	require.NoError(t, c.Pause(now))
	require.ErrorIs(t, c.Pause(now), sla.ErrState)
	left, ok := c.Left(sla.TargetAcknowledge, now.Add(time.Hour))
	require.True(t, ok)
	require.Equal(t, 30*time.Minute, left, "paused clocks do not run")
	c.CustomerMessage(now.Add(time.Hour)) // the customer answered: resumes
	require.False(t, c.Paused())
	due, ok := c.Due(sla.TargetAcknowledge)
	require.True(t, ok)
	require.Equal(t, now.Add(90*time.Minute), due)
	_, err := c.Resolve(now.Add(2 * time.Hour))
	require.NoError(t, err)
	_, err = c.Resolve(now.Add(2 * time.Hour))
	require.ErrorIs(t, err, sla.ErrState)
	require.ErrorIs(t, c.Pause(now), sla.ErrState)
	require.Nil(t, c.Reply(now.Add(3*time.Hour), sla.Response))
	c.CustomerMessage(now.Add(4 * time.Hour)) // reopens
	require.False(t, c.Resolved())
	due, ok = c.Due(sla.TargetResolve)
	require.True(t, ok)
	require.Equal(t, now.Add(28*time.Hour), due)
}
