package pgqueue_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// TestCompleteAndClaim checks that CompleteAndClaim means Complete followed
// by Claim: the next item is the best one left, a lost lease still claims,
// an empty queue still completes, an agent at its capacity frees its slot
// first, and, for an agent without a capacity, both changes commit in one
// transaction.
func TestCompleteAndClaim(t *testing.T) {
	t.Parallel()
	for _, grouped := range []bool{true, false} {
		t.Run(fmt.Sprint("grouped=", grouped), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, pool := newStore(t, &pgqueue.Config{DisableGroupClaim: !grouped})
			for i, key := range []string{"a", "b", "c"} {
				_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: key, Channel: "x", Score: float64(3 - i), Weights: testWeights, Now: t0})
				require.NoError(t, err)
			}
			require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: "w", Online: true}))
			claim := func(lease string, d time.Duration) queuedriver.ClaimParams {
				return queuedriver.ClaimParams{Agent: "w", LeaseID: lease, ExpiresAt: t0.Add(time.Hour), Now: t0.Add(d)}
			}
			a, err := s.Claim(ctx, claim("la", time.Minute))
			require.NoError(t, err)
			require.Equal(t, "a", a.Key)

			done, next, err := s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: "a", LeaseID: "la", Now: t0.Add(2 * time.Minute)}, claim("lb", 2*time.Minute))
			require.NoError(t, err)
			require.Equal(t, "a", done.Key)
			require.Equal(t, queuedriver.Done, done.State)
			require.Equal(t, "b", next.Key)
			require.Equal(t, queuedriver.Claimed, next.State)
			require.Equal(t, "lb", next.LeaseID)
			got, err := s.Get(ctx, "a")
			require.NoError(t, err)
			require.Equal(t, queuedriver.Done, got.State)
			// One transaction: both rows were last written by the same one.
			var xmins []string
			rows, err := pool.Query(ctx, "SELECT xmin::text FROM "+pgx.Identifier{s.Schema(), "queue_item"}.Sanitize()+" WHERE key IN ('a', 'b')")
			require.NoError(t, err)
			xmins, err = pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			require.Len(t, xmins, 2)
			require.Equal(t, xmins[0], xmins[1], "the completion and the claim committed separately")

			// A lost lease: nothing is completed, the claim is made.
			done, next, err = s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: "b", LeaseID: "wrong", Now: t0.Add(3 * time.Minute)}, claim("lc", 3*time.Minute))
			require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
			require.NotErrorIs(t, err, queuedriver.ErrNoItem)
			require.Zero(t, done)
			require.Equal(t, "c", next.Key)
			got, err = s.Get(ctx, "b")
			require.NoError(t, err)
			require.Equal(t, queuedriver.Claimed, got.State)

			// Nothing left to claim: the completion stands.
			done, next, err = s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: "c", LeaseID: "lc", Now: t0.Add(4 * time.Minute)}, claim("ld", 4*time.Minute))
			require.ErrorIs(t, err, queuedriver.ErrNoItem)
			require.NotErrorIs(t, err, queuedriver.ErrLeaseLost)
			require.Equal(t, "c", done.Key)
			require.Zero(t, next)

			// An agent at its capacity: the completion frees the slot the
			// claim takes, as Complete then Claim would.
			require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: "w", Capacity: 1, Online: true}))
			_, err = s.Upsert(ctx, queuedriver.UpsertParams{Key: "d", Channel: "x", Score: 1, Weights: testWeights, Now: t0.Add(5 * time.Minute)})
			require.NoError(t, err)
			_, err = s.Claim(ctx, claim("le", 5*time.Minute))
			require.ErrorIs(t, err, queuedriver.ErrAtCapacity)
			done, next, err = s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: "b", LeaseID: "lb", Now: t0.Add(6 * time.Minute)}, claim("lf", 6*time.Minute))
			require.NoError(t, err)
			require.Equal(t, "b", done.Key)
			require.Equal(t, "d", next.Key)

			// An unknown agent: the completion stands, the claim fails.
			_, err = s.Upsert(ctx, queuedriver.UpsertParams{Key: "e", Channel: "x", Score: 1, Weights: testWeights, Now: t0.Add(7 * time.Minute)})
			require.NoError(t, err)
			unknown := claim("lg", 7*time.Minute)
			unknown.Agent = "nobody"
			done, _, err = s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: "d", LeaseID: "lf", Now: t0.Add(7 * time.Minute)}, unknown)
			require.ErrorIs(t, err, queuedriver.ErrUnknownAgent)
			require.Equal(t, "d", done.Key)

			// A context that has ended: nothing happens.
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, _, err = s.CompleteAndClaim(cctx, queuedriver.LeaseRef{Key: "e", LeaseID: "x", Now: t0.Add(8 * time.Minute)}, claim("lh", 8*time.Minute))
			require.ErrorIs(t, err, context.Canceled)
			got, err = s.Get(ctx, "e")
			require.NoError(t, err)
			require.Equal(t, queuedriver.Waiting, got.State)
		})
	}
}

// TestCompleteAndClaimConcurrent drains a queue with many goroutines that
// each complete their item and claim the next in one call, sharing rounds
// with plain Claims and Completes: every item is completed exactly once,
// by the agent that held it, and none is left leased.
func TestCompleteAndClaimConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := newStore(t, &pgqueue.Config{DisableNotify: true})
	const workers, items = 12, 400
	for i := range items {
		_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: fmt.Sprint("k", i), Channel: []string{"x", "y"}[i%2], Score: float64(i % 5), Weights: testWeights, Now: t0})
		require.NoError(t, err)
	}
	for w := range workers {
		require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: fmt.Sprint("w", w), Online: true}))
	}
	var mu sync.Mutex
	completedBy := map[string]string{}
	record := func(it queuedriver.Item, agent string) error {
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := completedBy[it.Key]; ok {
			return fmt.Errorf("%s completed twice, by %s and %s", it.Key, prev, agent)
		}
		completedBy[it.Key] = agent
		return nil
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			agent := fmt.Sprint("w", w)
			var f queuedriver.Filter
			if w%3 == 0 {
				f.Channels = []string{"x"}
			}
			var held *queuedriver.Item
			for n := 0; ; n++ {
				now := t0.Add(time.Second)
				p := queuedriver.ClaimParams{Agent: agent, Filter: f, LeaseID: fmt.Sprint(agent, "-", n), ExpiresAt: t0.Add(time.Hour), Now: now}
				if held == nil || w%4 == 1 { // some workers use the plain calls
					if held != nil {
						it, err := s.Complete(ctx, queuedriver.LeaseRef{Key: held.Key, LeaseID: held.LeaseID, Now: now})
						if err != nil {
							errs <- err
							return
						}
						if err := record(it, agent); err != nil {
							errs <- err
							return
						}
					}
					it, err := s.Claim(ctx, p)
					if errors.Is(err, queuedriver.ErrNoItem) {
						return
					}
					if err != nil {
						errs <- err
						return
					}
					held = &it
					continue
				}
				done, next, err := s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: held.Key, LeaseID: held.LeaseID, Now: now}, p)
				if done.Key != "" {
					if done.Key != held.Key || done.State != queuedriver.Done {
						errs <- fmt.Errorf("%s: completed %+v for %s", agent, done, held.Key)
						return
					}
					if err := record(done, agent); err != nil {
						errs <- err
						return
					}
				}
				switch {
				case errors.Is(err, queuedriver.ErrNoItem) && done.Key != "":
					return
				case err != nil:
					errs <- err
					return
				}
				if next.Holder != agent || next.LeaseID != p.LeaseID {
					errs <- fmt.Errorf("%s: claimed %+v", agent, next)
					return
				}
				held = &next
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, completedBy, items)
	var left int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{s.Schema(), "queue_item"}.Sanitize()+" WHERE state <> 4").Scan(&left))
	require.Zero(t, left)
}
