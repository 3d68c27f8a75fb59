package sla_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/sla"
)

func describe(es []sla.Event[string], loc *time.Location) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %s %s %v @%s", e.Key, e.Target, e.Kind, e.Fraction, e.At.In(loc).Format("Mon 15:04")))
	}
	return out
}

func TestTrackerFiresEachOnce(t *testing.T) {
	t.Parallel()
	chi := mustLoc(t, "America/Chicago")
	tr, err := sla.NewTracker[string](nil)
	require.NoError(t, err)
	p := sla.Policy{Name: "p", Acknowledge: time.Hour, Resolve: 8 * time.Hour, Calendar: chicagoSplit(t)}
	// Monday 11:30: acknowledgement due 13:30 (lunch does not count).
	c := sla.NewClock(p, at(t, chi, "2026-06-01 11:30"))
	require.NoError(t, tr.Track("a", c.Timers()))
	require.Empty(t, tr.Advance(at(t, chi, "2026-06-01 13:14")))
	// 75% of an hour is 45 business minutes: 30 before lunch, 15 after.
	require.Equal(t, []string{"a acknowledge warning 0.75 @Mon 13:15"}, describe(tr.Advance(at(t, chi, "2026-06-01 13:15")), chi))
	require.Empty(t, tr.Advance(at(t, chi, "2026-06-01 13:15")), "fires once")
	require.Equal(t, []string{"a acknowledge warning 0.9 @Mon 13:24", "a acknowledge breach 1 @Mon 13:30"},
		describe(tr.Advance(at(t, chi, "2026-06-01 13:30")), chi))
	// Resolve: 8h from Monday 11:30 is Tuesday 11:30 (4h30 on Monday).
	es := tr.Advance(at(t, chi, "2026-06-03 00:00"))
	require.Equal(t, []string{"a resolve warning 0.75 @Tue 09:30", "a resolve warning 0.9 @Tue 10:42", "a resolve breach 1 @Tue 11:30"}, describe(es, chi))
	require.Empty(t, tr.Advance(at(t, chi, "2026-06-10 00:00")))
	r, ok := tr.Left("a", at(t, chi, "2026-06-02 12:00"))
	require.True(t, ok)
	require.Equal(t, sla.TargetAcknowledge, r.Target)
	require.True(t, tr.Untrack("a"))
	require.False(t, tr.Untrack("a"))
	require.Equal(t, 0, tr.Len())
}

func TestTrackerPauseResumeAndReopen(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tr, err := sla.NewTracker[string](&sla.TrackerConfig{Warnings: []float64{0.5}})
	require.NoError(t, err)
	p := sla.Policy{Name: "p", Acknowledge: time.Hour, Resolve: 2 * time.Hour}
	c := sla.NewClock(p, start)
	require.NoError(t, tr.Track("k", c.Timers()))
	es := tr.Advance(start.Add(30 * time.Minute))
	require.Len(t, es, 1)
	require.Equal(t, sla.Warning, es[0].Kind)
	// Pause for a day: nothing fires.
	require.NoError(t, c.Pause(start.Add(40*time.Minute)))
	require.NoError(t, tr.Track("k", c.Timers()))
	require.Empty(t, tr.Advance(start.Add(24*time.Hour)))
	require.Empty(t, tr.Snapshot(start.Add(24*time.Hour)), "paused: no running timer")
	// Resume: 20 minutes of acknowledgement left; the 50% warning has fired already.
	resume := start.Add(24 * time.Hour)
	require.NoError(t, c.Resume(resume))
	require.NoError(t, tr.Track("k", c.Timers()))
	// The resolve warning (50% of 2h = 1h) comes at the same instant:
	// 40m before the pause, 20m after the resume.
	es = tr.Advance(resume.Add(20 * time.Minute))
	require.ElementsMatch(t, []string{"acknowledge breach", "resolve warning"},
		[]string{string(es[0].Target) + " " + es[0].Kind.String(), string(es[1].Target) + " " + es[1].Kind.String()})
	require.Equal(t, resume.Add(20*time.Minute), es[0].At)
	es = tr.Advance(resume.Add(80 * time.Minute))
	require.Len(t, es, 1)
	require.Equal(t, sla.TargetResolve, es[0].Target)
	require.Equal(t, sla.Breach, es[0].Kind)
	// Resolve, then reopen: a new cycle fires afresh.
	_, err = c.Resolve(resume.Add(90 * time.Minute))
	require.NoError(t, err)
	require.NoError(t, tr.Track("k", c.Timers()))
	require.NoError(t, c.Reopen(resume.Add(3*time.Hour)))
	require.NoError(t, tr.Track("k", c.Timers()))
	es = tr.Advance(resume.Add(6 * time.Hour))
	require.Len(t, es, 2)
	require.Equal(t, []sla.EventKind{sla.Warning, sla.Breach}, []sla.EventKind{es[0].Kind, es[1].Kind})
	require.Equal(t, uint32(2), es[1].Cycle)
}

func TestTrackerSnapshotOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tr, err := sla.NewTracker[int](nil)
	require.NoError(t, err)
	ps := sla.DefaultPolicies()
	for i, ch := range []string{"facebook", "x", "chat", "messenger"} {
		require.NoError(t, tr.Track(i, sla.NewClock(ps.Match(ch), now).Timers()))
	}
	snap := tr.Snapshot(now.Add(10 * time.Minute))
	var keys []int
	for _, r := range snap {
		keys = append(keys, r.Key)
	}
	require.Equal(t, []int{2, 1, 3, 0}, keys)
	require.Equal(t, -5*time.Minute, snap[0].Left)
	require.Equal(t, sla.TargetAcknowledge, snap[0].Target)
}

func TestTrackerRestartedCycleFiresAgain(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tr, err := sla.NewTracker[string](&sla.TrackerConfig{NoWarnings: true})
	require.NoError(t, err)
	p := sla.Policy{Name: "p", Acknowledge: time.Minute, NextResponse: 10 * time.Minute, Resolve: 24 * time.Hour}
	c := sla.NewClock(p, now)
	c.Reply(now, sla.Response)
	for i := 1; i <= 3; i++ {
		m := now.Add(time.Duration(i) * time.Hour)
		c.CustomerMessage(m)
		require.NoError(t, tr.Track("k", c.Timers()))
		es := tr.Advance(m.Add(15 * time.Minute))
		require.Len(t, es, 1, "cycle %d", i)
		require.Equal(t, sla.TargetNextResponse, es[0].Target)
		c.Reply(m.Add(20*time.Minute), sla.Response)
		require.NoError(t, tr.Track("k", c.Timers()))
	}
}

func TestNewTrackerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  sla.TrackerConfig
		want string
	}{
		{"zero", sla.TrackerConfig{Warnings: []float64{0}}, "warning fraction 0 is outside (0,1)"},
		{"one", sla.TrackerConfig{Warnings: []float64{0.5, 1}}, "warning fraction 1 is outside (0,1)"},
		{"negative", sla.TrackerConfig{Warnings: []float64{-0.2}}, "warning fraction -0.2 is outside (0,1)"},
		{"twice", sla.TrackerConfig{Warnings: []float64{0.5, 0.5}}, "appears twice"},
		{"both", sla.TrackerConfig{Warnings: []float64{0.5}, NoWarnings: true}, "NoWarnings with Warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sla.NewTracker[string](&tt.cfg)
			require.ErrorIs(t, err, sla.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
	tr, err := sla.NewTracker[string](nil)
	require.NoError(t, err)
	require.ErrorIs(t, tr.Track("k", []sla.Timer{{Target: "nope", Allowed: time.Minute}}), sla.ErrInvalid)
	require.ErrorIs(t, tr.Track("k", []sla.Timer{{Target: sla.TargetResolve}}), sla.ErrInvalid)
}

// TestTrackerMemory checks the per-conversation footprint at 1e5 (the
// 1e6 figure is in BenchmarkTracker).
func TestTrackerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~20 MB")
	}
	per := trackerBytesPerConversation(t, 100_000)
	t.Logf("%.0f bytes per tracked conversation at 1e5", per)
	require.Less(t, per, 200.0)
}

// TestTrackerRandomExactlyOnce re-tracks, pauses, resumes and untracks
// conversations at random while advancing in random steps, and checks
// that every warning and breach of every cycle fires at most once, never
// early, and in time order within one Advance.
func TestTrackerRandomExactlyOnce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)
	p := splitPolicy(t)
	tr, err := sla.NewTracker[int](nil)
	require.NoError(t, err)
	clocks := map[int]*sla.Clock{}
	seen := map[string]bool{}
	now := start
	lives := map[int]int{} // how often each key was untracked
	for step := 0; step < 3000; step++ {
		now = now.Add(time.Duration(r.IntN(90)) * time.Minute)
		k := r.IntN(40)
		c := clocks[k]
		switch {
		case c == nil:
			c = sla.NewClock(p, now)
			clocks[k] = c
		case r.IntN(6) == 0:
			if c.Paused() {
				_ = c.Resume(now)
			} else {
				_ = c.Pause(now)
			}
		case r.IntN(4) == 0:
			c.CustomerMessage(now)
		case r.IntN(3) == 0:
			c.Reply(now, sla.ReplyKind(r.IntN(2)))
		case r.IntN(10) == 0:
			_, _ = c.Resolve(now)
		}
		require.NoError(t, tr.Track(k, c.Timers()))
		if r.IntN(50) == 0 {
			tr.Untrack(k)
			delete(clocks, k)
			lives[k]++
		}
		var last time.Time // events of one Advance come in time order
		for _, e := range tr.Advance(now) {
			require.False(t, e.At.After(now), "early event")
			require.False(t, e.At.Before(last), "out of order")
			last = e.At
			id := fmt.Sprintf("%d.%d/%s/%d/%s/%v", e.Key, lives[e.Key], e.Target, e.Cycle, e.Kind, e.Fraction)
			require.False(t, seen[id], "fired twice: %s", id)
			seen[id] = true
		}
	}
	require.NotEmpty(t, seen)
}

func TestTrackerConcurrent(t *testing.T) {
	t.Parallel()
	tr, err := sla.NewTracker[int](nil)
	require.NoError(t, err)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	p := sla.DefaultPolicies().Match("chat")
	var wg sync.WaitGroup
	var fired atomic.Int64
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				_ = tr.Track(g*1000+i, sla.NewClock(p, now).Timers())
				tr.AdvanceFunc(now.Add(time.Duration(i)*time.Minute), func(sla.Event[int]) { fired.Add(1) })
				_ = tr.Snapshot(now)
			}
		}()
	}
	wg.Wait()
	tr.AdvanceFunc(now.Add(48*time.Hour), func(sla.Event[int]) { fired.Add(1) })
	require.Equal(t, int64(2000*9), fired.Load(), "3 targets × (2 warnings + breach) each")
}

// TestTrackerWarningInstantExact checks that a warning falls on the exact
// nanosecond of its share of the target's time (90% of 30 minutes is 27
// minutes, although 1−0.9 is a hair under 0.1 in floating point), so that
// an Advance at that instant fires it.
func TestTrackerWarningInstantExact(t *testing.T) {
	t.Parallel()
	tr, err := sla.NewTracker[string](&sla.TrackerConfig{Warnings: []float64{0.1, 0.3, 0.7, 0.9}})
	require.NoError(t, err)
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c := sla.NewClock(sla.Policy{Name: "p", Acknowledge: 30 * time.Minute}, start)
	require.NoError(t, tr.Track("a", c.Timers()))
	for _, f := range []float64{0.1, 0.3, 0.7, 0.9} {
		at := start.Add(time.Duration(f * float64(30*time.Minute)).Round(time.Second))
		require.Empty(t, tr.Advance(at.Add(-time.Nanosecond)), "nothing before %v", f)
		es := tr.Advance(at)
		require.Len(t, es, 1, "the %v warning at %v", f, at)
		require.True(t, es[0].At.Equal(at), "the %v warning at %v, want %v", f, es[0].At, at)
	}
}
