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
			if c := len(ms.q); c > max || c > 2*len(want)+64 {
				t.Fatalf("max %d, add %d: array of %d for %d kept", max, i, c, len(want))
			}
		}
	}
}
