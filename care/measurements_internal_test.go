package care

import (
	"testing"
	"time"

	"github.com/socialcare/socialcare/sla"
)

// TestMeasurementsKeepOrderAndBound adds measurements one a second with a
// window of 100 seconds, pruning after each add, and checks against a
// plain slice that the window holds the right ones in order, that the cap
// drops the oldest, and that the ring stays within its bounds (max, and
// twice what it holds).
func TestMeasurementsKeepOrderAndBound(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct{ max, every int }{{1_000_000, 1}, {60, 1}, {1_000_000, 37}, {150, 37}} {
		max := c.max
		ms := measurements{keep: 100 * time.Second, max: max}
		var want []time.Time
		for i := range 5_000 {
			at := t0.Add(time.Duration(i) * time.Second)
			ms.add(sla.Measurement{Elapsed: at.Sub(t0)}, at)
			want = append(want, at)
			if i%c.every == 0 { // a Tick's purge
				ms.prune(at)
				for len(want) > 0 && at.Sub(want[0]) > ms.keep {
					want = want[1:]
				}
			}
			if len(want) > max {
				want = want[len(want)-max:]
			}
			kept := ms.kept()
			if len(kept) != len(want) {
				t.Fatalf("max %d, add %d: %d kept, want %d", max, i, len(kept), len(want))
			}
			for j, k := range kept {
				if !k.at.Equal(want[j]) || k.m.Elapsed != k.at.Sub(t0) {
					t.Fatalf("max %d, add %d: kept[%d] is at %v, want %v", max, i, j, k.at, want[j])
				}
			}
			if c := len(ms.q); c > max || c > 8*len(want)+64 {
				t.Fatalf("max %d, add %d: array of %d for %d kept", max, i, c, len(want))
			}
		}
	}
}

// TestMeasurementsLetGoOfAPeak fills the ring with a burst, then lets the
// window pass: the ring shrinks back instead of keeping its peak.
func TestMeasurementsLetGoOfAPeak(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ms := measurements{keep: time.Hour, max: 1_000_000}
	for i := range 10_000 {
		ms.add(sla.Measurement{Elapsed: time.Duration(i)}, t0)
	}
	if len(ms.q) < 10_000 {
		t.Fatalf("ring of %d for 10,000 measurements", len(ms.q))
	}
	for h := range 20 {
		at := t0.Add(time.Duration(h+2) * time.Hour)
		ms.add(sla.Measurement{}, at)
		ms.prune(at)
	}
	if len(ms.kept()) != 2 || len(ms.q) > 64 { // the last two: the older is exactly keep old
		t.Fatalf("%d kept in a ring of %d after the window passed; want 2 in at most 64", len(ms.kept()), len(ms.q))
	}
}
