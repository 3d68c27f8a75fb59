package pgqueue_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
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

// errClass names the queuedriver sentinel err matches.
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

// TestDifferential runs the same random operations on memqueue (the
// reference semantics) and pgqueue and requires identical results: items
// field by field (ranks bit for bit), errors by sentinel, counts and stats.
func TestDifferential(t *testing.T) {
	t.Parallel()
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			differential(t, seed)
		})
	}
}

func differential(t *testing.T, seed uint64) {
	pg, _ := newStore(t, nil)
	mem := memqueue.New()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 2026))
	outcomes := map[string]int{}
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
	keys := []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6"}
	agents := []string{"a0", "a1", "a2", "ghost"}
	var leases []queuedriver.LeaseRef // every lease ever handed out
	nextLease := 0
	newLease := func() string { nextLease++; return fmt.Sprintf("L%d", nextLease) }

	both := func(step int, op string, f func(s queuedriver.Store) (any, error)) {
		t.Helper()
		mv, merr := f(mem)
		pv, perr := f(pg)
		require.Equal(t, errClass(merr), errClass(perr), "step %d %s: errors differ (mem %v, pg %v)", step, op, merr, perr)
		outcomes[strings.Fields(op)[0]+" → "+errClass(merr)]++
		if merr != nil {
			return
		}
		if mi, ok := mv.(queuedriver.Item); ok {
			pi := pv.(queuedriver.Item)
			require.Equal(t, normalize(&mi), normalize(&pi), "step %d %s", step, op)
			return
		}
		require.Equal(t, mv, pv, "step %d %s", step, op)
	}
	for _, id := range agents[:3] {
		a := queuedriver.Agent{ID: id, Capacity: rng.IntN(3), Online: true, Since: now}
		both(0, "put agent", func(s queuedriver.Store) (any, error) { return nil, s.PutAgent(ctx, a) })
	}
	const steps = 1500
	for step := 1; step <= steps; step++ {
		dt := time.Duration(rng.IntN(20_000_000)) * time.Microsecond
		if rng.IntN(20) == 0 {
			dt *= 30 // now and then, long enough for leases to expire
		}
		now = now.Add(dt)
		switch r := rng.IntN(100); {
		case r < 5:
			p := queuedriver.UpdateParams{
				Key: pick(append(keys, "missing")...), Channel: pick("x", "facebook"), Team: pick("care", "billing", "legal"),
				Language: pick("", "en", "fr"), Skills: subset("refund", "vip"),
				Score: float64(rng.IntN(2000))/10 - 50, Payload: []byte(pick("", "p1", "p3")),
				Weights: weights, Now: now,
			}
			if rng.IntN(2) == 0 {
				p.Deadline = now.Add(time.Duration(rng.IntN(7200)) * time.Second)
			}
			both(step, "update "+p.Key, func(s queuedriver.Store) (any, error) { return s.(queuedriver.Updater).Update(ctx, p) })
		case r < 25:
			p := queuedriver.UpsertParams{
				Key: pick(keys...), Channel: pick("x", "facebook"), Team: pick("care", "billing"),
				Language: pick("", "en", "fr"), Skills: subset("refund", "vip"),
				Score: float64(rng.IntN(2000))/10 - 50, Payload: []byte(pick("", "p1", "p2")),
				Weights: weights, Now: now,
			}
			if rng.IntN(2) == 0 {
				p.Deadline = now.Add(time.Duration(rng.IntN(7200)) * time.Second)
			}
			if rng.IntN(4) == 0 {
				p.Unanswered = 1 + rng.IntN(5)
			}
			both(step, "upsert "+p.Key, func(s queuedriver.Store) (any, error) { return s.Upsert(ctx, p) })
		case r < 45:
			p := queuedriver.ClaimParams{
				Agent: pick(agents...), LeaseID: newLease(), ExpiresAt: now.Add(time.Duration(1+rng.IntN(300)) * time.Second),
				Now: now, Filter: queuedriver.Filter{Channels: subset("x", "facebook"), Teams: subset("care", "billing"), Languages: subset("en", "fr"), Skills: subset("refund", "vip")},
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
		case r < 75 && len(leases) > 0:
			i := rng.IntN(len(leases))
			if rng.IntN(10) < 7 {
				i = max(0, len(leases)-1-rng.IntN(4)) // mostly recent leases
			}
			l := leases[i]
			if l.Key == "" {
				l.Key = pick(keys...)
			}
			l.Now = now
			switch rng.IntN(4) {
			case 0:
				exp := now.Add(time.Duration(rng.IntN(300)) * time.Second)
				both(step, "extend "+l.Key, func(s queuedriver.Store) (any, error) { return s.Extend(ctx, l, exp) })
			case 1:
				both(step, "complete "+l.Key, func(s queuedriver.Store) (any, error) { return s.Complete(ctx, l) })
			case 2:
				var p queuedriver.ReleaseParams
				if rng.IntN(2) == 0 {
					p.Until = now.Add(time.Duration(rng.IntN(600)-60) * time.Second)
				}
				if rng.IntN(3) == 0 {
					p.Team = pick("care", "billing")
				}
				both(step, "release "+l.Key, func(s queuedriver.Store) (any, error) { return s.Release(ctx, l, p) })
			case 3:
				p := queuedriver.ReassignParams{Key: l.Key, ToAgent: pick(agents...), NewLeaseID: newLease(), ExpiresAt: now.Add(2 * time.Minute), Now: now}
				if rng.IntN(2) == 0 {
					p.FromLeaseID = l.LeaseID
				}
				leases = append(leases, queuedriver.LeaseRef{Key: p.Key, LeaseID: p.NewLeaseID})
				both(step, "reassign "+l.Key, func(s queuedriver.Store) (any, error) { return s.Reassign(ctx, p) })
			}
		case r < 80:
			a := queuedriver.Agent{ID: pick(agents[:3]...), Capacity: rng.IntN(3), Online: rng.IntN(3) > 0, Since: now}
			both(step, "put agent", func(s queuedriver.Store) (any, error) { return nil, s.PutAgent(ctx, a) })
			id := pick(agents...)
			both(step, "get agent", func(s queuedriver.Store) (any, error) { return s.GetAgent(ctx, id) })
		case r < 83:
			a := pick(agents...)
			both(step, "release agent", func(s queuedriver.Store) (any, error) { return s.ReleaseAgent(ctx, a, now) })
		case r < 90:
			f := queuedriver.Filter{Channels: subset("x", "facebook"), Teams: subset("care"), Languages: subset("en"), Skills: subset("refund")}
			both(step, "count", func(s queuedriver.Store) (any, error) { return s.Count(ctx, f, now) })
			both(step, "stats", func(s queuedriver.Store) (any, error) {
				st, err := s.Stats(ctx, now)
				st.OldestWaiting = st.OldestWaiting.UTC()
				return st, err
			})
		case r < 93:
			// A limit above the number of keys: the stores may break ties
			// of UpdatedAt differently.
			before := now.Add(-time.Duration(rng.IntN(600)) * time.Second)
			both(step, "purge", func(s queuedriver.Store) (any, error) { return s.(queuedriver.Purger).PurgeDone(ctx, before, 100) })
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
