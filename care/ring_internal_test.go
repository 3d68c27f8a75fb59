package care

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The ring behind MemStore's FIFOs holds what a sorted slice popped from
// the front would: random inserts (mostly at the back, some before it,
// equals after each other) and drops, through growth, wrapping and
// shrinking.
func TestRingIsASortedFIFO(t *testing.T) {
	t.Parallel()
	type item struct{ key, seq int }
	less := func(a, b item) bool { return a.key < b.key }
	rng := rand.New(rand.NewPCG(1, 2))
	var r ring[item]
	var want []item
	seq, key, grown := 0, 0, 0
	for step := range 20000 {
		switch op := rng.IntN(10); {
		case op < 6 || step < 10000 && op < 8:
			key += rng.IntN(3)
			v := item{key - rng.IntN(4), seq} // now and then before the back, or equal to it
			seq++
			r.insertSorted(v, less)
			i := len(want)
			for i > 0 && less(v, want[i-1]) {
				i--
			}
			want = slices.Insert(want, i, v)
		default:
			k := rng.IntN(min(len(want), 2) + 1) // it grows, then drains
			if step >= 10000 {
				k = rng.IntN(min(len(want), 40) + 1)
			}
			r.drop(k)
			want = want[k:]
		}
		require.Equal(t, len(want), r.len())
		grown = max(grown, len(r.buf))
		if step%97 == 0 || r.len() < 3 {
			got := make([]item, r.len())
			for i := range got {
				got[i] = r.at(i)
			}
			require.Equal(t, append([]item{}, want...), got, "step %d", step)
		}
	}
	require.Greater(t, grown, 1024)
	r.drop(r.len())
	require.LessOrEqual(t, len(r.buf), 64, "an emptied ring lets its buffer go")
}
