package sla_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/rickar/cal/v2/us"

	"github.com/socialcare/socialcare/sla"
)

// deadlineInputs are minute-aligned starts across 2026 (nights, weekends,
// holidays, both DST changes) with targets from 5 minutes to 24 hours.
func deadlineInputs() (starts []time.Time, ds []time.Duration) {
	r := rand.New(rand.NewPCG(7, 7))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	targets := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 4 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	for range 1024 {
		starts = append(starts, base.Add(time.Duration(r.IntN(365*24*60))*time.Minute))
		ds = append(ds, targets[r.IntN(len(targets))])
	}
	return starts, ds
}

var sinkTime time.Time

// BenchmarkDeadline measures Calendar.Add on America/Chicago with split
// shifts (08–12, 13–17 on weekdays) and US federal holidays, against the
// naive minute-by-minute walk over the same calendar and inputs.
func BenchmarkDeadline(b *testing.B) {
	c := chicagoSplit(b)
	n := newNaive(b, "America/Chicago", weekdays(sla.Interval{Start: hm(8, 0), End: hm(12, 0)}, sla.Interval{Start: hm(13, 0), End: hm(17, 0)}), us.Holidays, nil)
	starts, ds := deadlineInputs()
	b.Run("impl=calendar", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			sinkTime = c.Add(starts[i&1023], ds[i&1023])
			i++
		}
	})
	b.Run("impl=calendar-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			var sink time.Time
			for pb.Next() {
				sink = c.Add(starts[i&1023], ds[i&1023])
				i++
			}
			_ = sink
		})
	})
	b.Run("impl=naive-minute-walk", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			sinkTime = n.add(starts[i&1023], ds[i&1023])
			i++
		}
	})
}

func trackerKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("x:brand:%09d", i)
	}
	return keys
}

// trackerTimers returns the timers of conversation i: acknowledge, first
// response and resolve of the default X policy, started within one hour
// of base.
func trackerTimers(p sla.Policy, base time.Time, i int) []sla.Timer {
	return sla.NewClock(p, base.Add(time.Duration(i%3600)*time.Second)).Timers()
}

// trackerBytesPerConversation tracks n conversations (keys allocated
// before the measurement: they belong to the caller and are shared) and
// returns the live heap growth per conversation.
func trackerBytesPerConversation(t testing.TB, n int) float64 {
	keys := trackerKeys(n)
	p := sla.DefaultPolicies().Match("x")
	base := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tr, err := sla.NewTracker[string](nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if err := tr.Track(k, trackerTimers(p, base, i)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tr)
	runtime.KeepAlive(keys)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// BenchmarkTracker tracks open conversations (three timers each: nine
// events), advances the clock by steps in which about ten
// conversations breach their resolution and collects the due
// events; a conversation whose resolution breaches is re-tracked with a
// new cycle, so the population stays constant. ns/op is per event.
func BenchmarkTracker(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("open=%.0e", float64(n)), func(b *testing.B) {
			p := sla.DefaultPolicies().Match("x")
			base := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			perConv := 0.0
			if n >= 100_000 {
				perConv = trackerBytesPerConversation(b, n)
			}
			keys := trackerKeys(n)
			tr, err := sla.NewTracker[string](nil)
			if err != nil {
				b.Fatal(err)
			}
			// Spread the conversations over 24h so that every second has
			// events due.
			spread := func(i int) time.Time { return base.Add(time.Duration(int64(i) * int64(24*time.Hour) / int64(n))) }
			for i, k := range keys {
				_ = tr.Track(k, sla.NewClock(p, spread(i)).Timers())
			}
			now := base.Add(24 * time.Hour)
			tr.Advance(now) // drain the backlog
			b.ResetTimer()
			events := 0
			var rearm []string
			step := max(time.Millisecond, 10*24*time.Hour/time.Duration(n)) // ~10 conversations a step
			for events < b.N {
				now = now.Add(step)
				rearm = rearm[:0]
				tr.AdvanceFunc(now, func(e sla.Event[string]) {
					events++
					if e.Kind == sla.Breach && e.Target == sla.TargetResolve {
						rearm = append(rearm, e.Key)
					}
				})
				for _, k := range rearm {
					tr.Untrack(k) // a new clock: its cycles start again at 1
					_ = tr.Track(k, sla.NewClock(p, now).Timers())
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(tr.Len()), "open")
			if perConv > 0 {
				b.ReportMetric(perConv, "B/conv")
			}
		})
	}
}
