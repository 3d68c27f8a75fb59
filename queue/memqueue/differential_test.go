package memqueue_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// normalize makes an item comparable across stores: UTC times, nil for
// empty slices.
func normalize(it *queuedriver.Item) *queuedriver.Item {
	if it == nil {
		return nil
	}
	c := *it
	for _, t := range []*time.Time{&c.Deadline, &c.EnqueuedAt, &c.UpdatedAt, &c.LeaseExpiresAt, &c.SnoozedUntil, &c.LastHeldAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	if len(c.Skills) == 0 {
		c.Skills = nil
	}
	if len(c.Payload) == 0 {
		c.Payload = nil
	}
	return &c
}

func errClass(err error) string {
	for _, e := range []error{queuedriver.ErrNotFound, queuedriver.ErrNoItem, queuedriver.ErrLeaseLost, queuedriver.ErrUnknownAgent, queuedriver.ErrAtCapacity} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return "ok"
}

// TestDifferential runs the same random operations on the indexed Store and
// on the original linear-scan store (reference_test.go) and requires the
// same results, including when callers' clocks are slightly out of order.
func TestDifferential(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			differential(t, seed, 4000, 24, false)
		})
	}
}

// TestDifferentialLarge does the same on a queue that starts with 5,000
// waiting items, so that the stores' trees are several levels deep and
// split, merge and share nodes.
func TestDifferentialLarge(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("memqueue: large differential test skipped in -short mode")
	}
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			differential(t, 100+seed, 4000, 5000, true)
		})
	}
}

// FuzzDifferential drives the same comparison from the fuzzer's bytes, one
// choice per byte or three, on 8 keys, until the bytes run out.
func FuzzDifferential(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	seed := rand.New(rand.NewPCG(9, 9))
	for range 4 {
		b := make([]byte, 600)
		for i := range b {
			b[i] = byte(seed.IntN(256))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		runDifferential(t, &byteSource{b: data}, len(data), 8, false)
	})
}

// intner makes the choices of a differential run.
type intner interface{ IntN(n int) int }

// byteSource makes choices from bytes; once they run out it chooses 0 and
// reports itself exhausted.
type byteSource struct {
	b []byte
	i int
}

func (s *byteSource) IntN(n int) int {
	width := 1
	if n > 256 {
		width = 3
	}
	v := 0
	for range width {
		v <<= 8
		if s.i < len(s.b) {
			v |= int(s.b[s.i])
		}
		s.i++
	}
	return v % n
}

func (s *byteSource) exhausted() bool { return s.i >= len(s.b) }

// differential runs steps random operations on nkeys keys, after
// upserting every key once if prefill is set.
func differential(t *testing.T, seed uint64, steps, nkeys int, prefill bool) {
	runDifferential(t, rand.New(rand.NewPCG(seed, 2026)), steps, nkeys, prefill)
}

func runDifferential(t testing.TB, rng intner, steps, nkeys int, prefill bool) {
	ref, got := newRef(), memqueue.New()
	memqueue.SetCompactMin(got, 2) // compact as soon as a quarter is purged
	ctx := context.Background()
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	subset := func(xs ...string) []string {
		var out []string
		for _, x := range xs {
			if rng.IntN(2) == 0 {
				out = append(out, x)
			}
		}
		return out
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	weights := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	var keys []string
	for i := range nkeys {
		keys = append(keys, fmt.Sprint("k", i))
	}
	agents := []string{"a0", "a1", "a2", "a3", "ghost"}
	var leases []queuedriver.LeaseRef
	nextLease := 0
	newLease := func() string { nextLease++; return fmt.Sprintf("L%d", nextLease) }
	outcomes := map[string]int{}
	both := func(step int, op string, f func(s queuedriver.Store) (any, error)) {
		t.Helper()
		rv, rerr := f(ref)
		gv, gerr := f(got)
		require.Equal(t, errClass(rerr), errClass(gerr), "step %d %s", step, op)
		outcomes[op[:4]+" "+errClass(rerr)]++
		if rerr != nil {
			return
		}
		if ri, ok := rv.(queuedriver.Item); ok {
			gi := gv.(queuedriver.Item)
			require.Equal(t, normalize(&ri), normalize(&gi), "step %d %s", step, op)
			return
		}
		require.Equal(t, rv, gv, "step %d %s", step, op)
	}
	for _, id := range agents[:4] {
		a := queuedriver.Agent{ID: id, Capacity: rng.IntN(3), Online: true, Since: now}
		both(0, "put agent", func(s queuedriver.Store) (any, error) { return nil, s.PutAgent(ctx, a) })
	}
	for i, k := range keys {
		if !prefill {
			break
		}
		p := queuedriver.UpsertParams{
			Key: k, Channel: pick("x", "facebook"), Team: "care", Score: float64(rng.IntN(100)),
			Weights: weights, Now: now.Add(time.Duration(i) * time.Millisecond),
		}
		both(0, "prefill "+k, func(s queuedriver.Store) (any, error) { return s.Upsert(ctx, p) })
	}
	for step := 1; step <= steps; step++ {
		if src, ok := rng.(*byteSource); ok && src.exhausted() {
			break
		}
		dt := time.Duration(rng.IntN(20_000_000)) * time.Microsecond
		if rng.IntN(20) == 0 {
			dt *= 30 // long enough for leases to expire
		}
		now = now.Add(dt)
		at := now
		if rng.IntN(10) == 0 {
			at = now.Add(-time.Duration(rng.IntN(120)) * time.Second) // a caller with a late clock
		}
		switch r := rng.IntN(100); {
		case r < 5:
			p := queuedriver.UpdateParams{
				Key: pick(append(keys, "missing")...), Channel: pick("x", "facebook"), Team: pick("care", "billing", "legal"),
				Language: pick("", "en", "fr"), Skills: subset("refund", "vip"),
				Score: float64(rng.IntN(2000))/10 - 50, Payload: []byte(pick("", "p1", "p3")),
				Weights: weights, Now: at,
			}
			if rng.IntN(2) == 0 {
				p.Deadline = at.Add(time.Duration(rng.IntN(7200)) * time.Second)
			}
			both(step, "update "+p.Key, func(s queuedriver.Store) (any, error) { return s.(queuedriver.Updater).Update(ctx, p) })
		case r < 25:
			p := queuedriver.UpsertParams{
				Key: pick(keys...), Channel: pick("x", "facebook", "email"), Team: pick("care", "billing"),
				Language: pick("", "en", "fr"), Skills: subset("refund", "vip"),
				Score: float64(rng.IntN(2000))/10 - 50, Payload: []byte(pick("", "p1", "p2")),
				Weights: weights, Now: at,
			}
			if rng.IntN(2) == 0 {
				p.Deadline = at.Add(time.Duration(rng.IntN(7200)) * time.Second)
			}
			if rng.IntN(4) == 0 {
				p.Unanswered = 1 + rng.IntN(5)
			}
			both(step, "upsert "+p.Key, func(s queuedriver.Store) (any, error) { return s.Upsert(ctx, p) })
		case r < 50:
			p := queuedriver.ClaimParams{
				Agent: pick(agents...), LeaseID: newLease(), ExpiresAt: at.Add(time.Duration(1+rng.IntN(300)) * time.Second),
				Now: at, Filter: queuedriver.Filter{Channels: subset("x", "facebook", "email"), Teams: subset("care", "billing"), Languages: subset("en", "fr"), Skills: subset("refund", "vip")},
			}
			if rng.IntN(2) == 0 {
				p.AffinityWindow = 30 * time.Minute
			}
			leases = append(leases, queuedriver.LeaseRef{LeaseID: p.LeaseID})
			both(step, "claim "+p.Agent, func(s queuedriver.Store) (any, error) {
				it, err := s.Claim(ctx, p)
				if err == nil {
					leases[len(leases)-1].Key = it.Key
				}
				return it, err
			})
		case r < 78 && len(leases) > 0:
			i := rng.IntN(len(leases))
			if rng.IntN(10) < 7 {
				i = max(0, len(leases)-1-rng.IntN(4))
			}
			l := leases[i]
			if l.Key == "" {
				l.Key = pick(keys...)
			}
			l.Now = at
			switch rng.IntN(4) {
			case 0:
				exp := at.Add(time.Duration(rng.IntN(300)) * time.Second)
				both(step, "extend "+l.Key, func(s queuedriver.Store) (any, error) { return s.Extend(ctx, l, exp) })
			case 1:
				both(step, "complete "+l.Key, func(s queuedriver.Store) (any, error) { return s.Complete(ctx, l) })
			case 2:
				var p queuedriver.ReleaseParams
				if rng.IntN(2) == 0 {
					p.Until = at.Add(time.Duration(rng.IntN(600)-60) * time.Second)
				}
				if rng.IntN(3) == 0 {
					p.Team = pick("care", "billing", "legal")
				}
				both(step, "release "+l.Key, func(s queuedriver.Store) (any, error) { return s.Release(ctx, l, p) })
			case 3:
				p := queuedriver.ReassignParams{Key: l.Key, ToAgent: pick(agents...), NewLeaseID: newLease(), ExpiresAt: at.Add(2 * time.Minute), Now: at}
				if rng.IntN(2) == 0 {
					p.FromLeaseID = l.LeaseID
				}
				leases = append(leases, queuedriver.LeaseRef{Key: p.Key, LeaseID: p.NewLeaseID})
				both(step, "reassign "+l.Key, func(s queuedriver.Store) (any, error) { return s.Reassign(ctx, p) })
			}
		case r < 82:
			a := queuedriver.Agent{ID: pick(agents[:4]...), Capacity: rng.IntN(3), Online: rng.IntN(3) > 0, Since: at}
			both(step, "put agent", func(s queuedriver.Store) (any, error) { return nil, s.PutAgent(ctx, a) })
			id := pick(agents...)
			both(step, "get agent", func(s queuedriver.Store) (any, error) { return s.GetAgent(ctx, id) })
		case r < 85:
			a := pick(agents...)
			both(step, "release agent", func(s queuedriver.Store) (any, error) { return s.ReleaseAgent(ctx, a, at) })
		case r < 92:
			f := queuedriver.Filter{Channels: subset("x", "facebook"), Teams: subset("care", "legal"), Languages: subset("en"), Skills: subset("refund")}
			both(step, "count", func(s queuedriver.Store) (any, error) { return s.Count(ctx, f, at) })
			both(step, "stats", func(s queuedriver.Store) (any, error) {
				st, err := s.Stats(ctx, at)
				st.OldestWaiting = st.OldestWaiting.UTC()
				return st, err
			})
		case r < 95:
			before := at.Add(-time.Duration(rng.IntN(600)) * time.Second)
			limit := rng.IntN(4)
			both(step, "purge", func(s queuedriver.Store) (any, error) { return s.(queuedriver.Purger).PurgeDone(ctx, before, limit) })
		default:
			k := pick(append(keys, "missing")...)
			both(step, "get "+k, func(s queuedriver.Store) (any, error) { return s.Get(ctx, k) })
		}
	}
	for _, k := range keys {
		both(steps+1, "final get "+k, func(s queuedriver.Store) (any, error) { return s.Get(ctx, k) })
	}
	t.Logf("outcomes: %v", outcomes)
}
