package pgqueue

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// TestClaimGroupIsSerial checks the group claim statement against the
// claims it stands for: on two stores brought to the same random state
// (priorities, filters, affinity reservations, expired leases, snoozes,
// agents with a capacity, offline and unknown agents), one round of
// grouped claims must give every claim the same item or error as running
// the claims one after another, the claims it hands back to their callers
// (redo) last.
func TestClaimGroupIsSerial(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testDB(t)
	newStore := func(t *testing.T) *Store {
		schema := testSchema(t, pool, "pgqueue_group")
		s, err := New(pool, &Config{Schema: schema, DisableNotify: true, DisableGroupClaim: true})
		require.NoError(t, err)
		return s
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for seed := range uint64(24) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			grouped, serial := newStore(t), newStore(t)
			rng := mrand.New(mrand.NewPCG(seed, 7))
			agents := []string{"a", "b", "c", "d", "e"}
			// Build the same state in both stores.
			var ops []func(s *Store) error
			for _, a := range agents {
				capacity := 0
				if rng.IntN(4) == 0 {
					capacity = 1 + rng.IntN(2)
				}
				online := rng.IntN(5) != 0
				ops = append(ops, func(s *Store) error {
					return s.PutAgent(ctx, queuedriver.Agent{ID: a, Capacity: capacity, Online: online, Since: at(0)})
				})
			}
			channels := []string{"x", "y"}
			for i := range 2 + rng.IntN(14) {
				key, ch, score := fmt.Sprint("k", i), channels[rng.IntN(2)], float64(rng.IntN(5))
				ops = append(ops, func(s *Store) error {
					_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: key, Channel: ch, Score: score, Now: at(time.Duration(i) * time.Second)})
					return err
				})
			}
			// Some items were handled before: completed and reopened
			// (reserved for their agent), released, snoozed, or still
			// leased (some leases have expired by the round).
			for i := range 12 {
				agent := agents[rng.IntN(len(agents))]
				lease := fmt.Sprint("old", i)
				kind := rng.IntN(4)
				expires := at(time.Duration(10+rng.IntN(20)) * time.Minute)
				until := at(time.Duration(5+rng.IntN(20)) * time.Minute)
				ops = append(ops, func(s *Store) error {
					now := at(time.Minute + time.Duration(i)*time.Second)
					it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: agent, LeaseID: lease, ExpiresAt: expires, Now: now})
					if errors.Is(err, queuedriver.ErrNoItem) || errors.Is(err, queuedriver.ErrAtCapacity) {
						return nil
					}
					if err != nil {
						return err
					}
					ref := queuedriver.LeaseRef{Key: it.Key, LeaseID: lease, Now: now.Add(time.Second)}
					switch kind {
					case 0:
						if _, err := s.Complete(ctx, ref); err != nil {
							return err
						}
						_, err = s.Upsert(ctx, queuedriver.UpsertParams{Key: it.Key, Channel: it.Channel, Score: it.Score, Now: now.Add(2 * time.Second)})
					case 1:
						_, err = s.Release(ctx, ref, queuedriver.ReleaseParams{})
					case 2:
						_, err = s.Release(ctx, ref, queuedriver.ReleaseParams{Until: until})
					}
					return err
				})
			}
			for _, op := range ops {
				require.NoError(t, op(grouped))
				require.NoError(t, op(serial))
			}

			// One round of claims with the same filter.
			now := at(20 * time.Minute)
			f := queuedriver.Filter{}
			if rng.IntN(2) == 0 {
				f.Channels = []string{channels[rng.IntN(2)]}
			}
			claimers := append(agents[:len(agents):len(agents)], "unknown")
			var reqs []*claimReq
			for i := range 2 + rng.IntN(6) {
				agent := claimers[rng.IntN(len(claimers))]
				p := queuedriver.ClaimParams{Agent: agent, Filter: f, LeaseID: fmt.Sprint("new", i),
					ExpiresAt: now.Add(time.Hour), Now: now.Add(time.Duration(i) * time.Millisecond)}
				if rng.IntN(3) != 0 {
					p.AffinityWindow = 30 * time.Minute
				}
				reqs = append(reqs, &claimReq{p: p, done: make(chan struct{})})
			}
			grouped.claimRound(ctx, reqs)
			outcome := func(it *queuedriver.Item, err error) string {
				switch {
				case err != nil:
					for _, e := range []error{queuedriver.ErrNoItem, queuedriver.ErrUnknownAgent, queuedriver.ErrAtCapacity} {
						if errors.Is(err, e) {
							return e.Error()
						}
					}
					return "error: " + err.Error()
				case it == nil:
					return "nothing"
				}
				return fmt.Sprintf("%s leased to %s as %s until %v (last %s at %v, claims %d, updated %v)",
					it.Key, it.Holder, it.LeaseID, it.LeaseExpiresAt.UTC(), it.LastAgent, it.LastHeldAt.UTC(), it.Claims, it.UpdatedAt.UTC())
			}
			claimAlone := func(s *Store, p queuedriver.ClaimParams) string {
				items, err := s.claim(ctx, p, []string{p.LeaseID})
				if err != nil {
					return outcome(nil, err)
				}
				return outcome(items[0], nil)
			}
			got := make([]string, len(reqs))
			want := make([]string, len(reqs))
			var redo []int
			for i, r := range reqs {
				if r.redo {
					redo = append(redo, i)
					continue
				}
				got[i] = outcome(r.item, r.err)
				want[i] = claimAlone(serial, r.p)
			}
			for _, i := range redo {
				got[i] = claimAlone(grouped, reqs[i].p)
				want[i] = claimAlone(serial, reqs[i].p)
			}
			if testing.Verbose() {
				t.Log(got, "redone:", redo)
			}
			require.Equal(t, want, got, "redone: %v", redo)
		})
	}
}

// TestGroupClaimConcurrent hammers grouped claims from many goroutines
// with different filters, limited and unlimited agents, and contexts that
// end mid-way: no item is leased twice, no limited agent exceeds its
// capacity, and every claim reported as successful holds its lease.
func TestGroupClaimConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testDB(t)
	schema := testSchema(t, pool, "pgqueue_group")
	s, err := New(pool, &Config{Schema: schema, DisableNotify: true})
	require.NoError(t, err)
	now := time.Now()
	const workers, items = 12, 300
	for i := range items {
		_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: fmt.Sprint("k", i), Channel: []string{"x", "y", "z"}[i%3], Score: float64(i % 7), Now: now})
		require.NoError(t, err)
	}
	for w := range workers {
		require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: fmt.Sprint("w", w), Capacity: []int{0, 0, 3}[w%3], Online: true}))
	}
	type won struct{ key, lease, agent string }
	results := make(chan won, items)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			agent := fmt.Sprint("w", w)
			f := queuedriver.Filter{}
			if w%2 == 1 {
				f.Channels = []string{"x", "y"}
			}
			for n := 0; ; n++ {
				cctx, cancel := context.WithCancel(ctx)
				switch n % 5 {
				case 3:
					cancel() // before the claim
				case 4: // while it is queued, in flight or done
					go func() { time.Sleep(time.Duration(n%7) * 200 * time.Microsecond); cancel() }()
				}
				lease := fmt.Sprintf("%s-%d", agent, n)
				it, err := s.Claim(cctx, queuedriver.ClaimParams{Agent: agent, Filter: f, LeaseID: lease,
					ExpiresAt: now.Add(time.Hour), AffinityWindow: time.Minute, Now: now.Add(time.Second)})
				cancel()
				switch {
				case errors.Is(err, queuedriver.ErrNoItem), errors.Is(err, queuedriver.ErrAtCapacity):
					return
				case errors.Is(err, context.Canceled):
					continue
				case err != nil:
					errs <- err
					return
				}
				if it.Holder != agent || it.LeaseID != lease {
					errs <- fmt.Errorf("%s: claim %s returned holder %s lease %s", agent, lease, it.Holder, it.LeaseID)
					return
				}
				results <- won{it.Key, lease, agent}
			}
		})
	}
	wg.Wait()
	close(errs)
	close(results)
	for err := range errs {
		require.NoError(t, err)
	}
	seen := map[string]string{}
	for r := range results {
		prev, dup := seen[r.key]
		require.False(t, dup, "%s leased twice: %s and %s", r.key, prev, r.lease)
		seen[r.key] = r.lease
		it, err := s.Get(ctx, r.key)
		require.NoError(t, err)
		require.Equal(t, r.lease, it.LeaseID, r.key)
		require.Equal(t, r.agent, it.Holder, r.key)
	}
	// No item is leased to nobody: every lease in the table was reported
	// to its claimer, cancelled or not.
	leased, err := pool.Query(ctx, "SELECT key, lease_id FROM "+pgx.Identifier{schema, "queue_item"}.Sanitize()+" WHERE state = 2")
	require.NoError(t, err)
	pairs, err := pgx.CollectRows(leased, pgx.RowToStructByPos[struct{ Key, Lease string }])
	require.NoError(t, err)
	for _, pr := range pairs {
		require.Equal(t, seen[pr.Key], pr.Lease, "%s is leased under %s, which no claimer got", pr.Key, pr.Lease)
	}
	rows, err := pool.Query(ctx, "SELECT holder, count(*) FROM "+pgx.Identifier{schema, "queue_item"}.Sanitize()+" WHERE state = 2 GROUP BY holder")
	require.NoError(t, err)
	held, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		Holder string
		N      int
	}])
	require.NoError(t, err)
	for _, h := range held {
		a, err := s.GetAgent(ctx, h.Holder)
		require.NoError(t, err)
		if a.Capacity > 0 {
			require.LessOrEqual(t, h.N, a.Capacity, h.Holder)
		}
	}
	require.NotEmpty(t, seen)
}

func TestFilterKey(t *testing.T) {
	t.Parallel()
	same := [][2]queuedriver.Filter{
		{{}, {Channels: []string{}, Teams: []string{}, Languages: []string{}, Skills: []string{}}},
		{{Channels: []string{"x", "y"}}, {Channels: []string{"x", "y"}}},
	}
	for _, c := range same {
		require.Equal(t, filterKey(c[0]), filterKey(c[1]), "%+v and %+v", c[0], c[1])
	}
	different := [][2]queuedriver.Filter{
		{{Channels: []string{"x"}}, {Teams: []string{"x"}}},
		{{Channels: []string{"a|"}}, {Channels: []string{"a", "|"}}},
		{{Channels: []string{"ab"}}, {Channels: []string{"a", "b"}}},
		{{Skills: []string{"x"}}, {Languages: []string{"x"}}},
		{{}, {Channels: []string{""}}},
	}
	for _, c := range different {
		require.NotEqual(t, filterKey(c[0]), filterKey(c[1]), "%+v and %+v", c[0], c[1])
	}
}
