package queuedrivertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

func withPurger(fn func(t *testing.T, s queuedriver.Store, p queuedriver.Purger)) func(*testing.T, queuedriver.Store) {
	return func(t *testing.T, s queuedriver.Store) {
		p, ok := s.(queuedriver.Purger)
		if !ok {
			t.Skipf("queuedrivertest: %T does not implement queuedriver.Purger", s)
		}
		fn(t, s, p)
	}
}

// completeAt upserts key, claims it for agent a and completes it at done.
func completeAt(t *testing.T, s queuedriver.Store, key string, done time.Time) *queuedriver.Item {
	t.Helper()
	up(t, s, queuedriver.UpsertParams{Key: key, Team: "done", Score: 1, Now: done.Add(-time.Second)})
	it := mustClaim(t, s, "a", queuedriver.Filter{Teams: []string{"done"}}, done.Add(-time.Second), "L-"+key)
	got, err := s.Complete(ctx, ref(it, done))
	require.NoError(t, err)
	require.Equal(t, queuedriver.Done, got.State)
	return &got
}

func purge(t *testing.T, p queuedriver.Purger, before time.Time, limit int) int {
	t.Helper()
	n, err := p.PurgeDone(ctx, before, limit)
	require.NoError(t, err)
	return n
}

func requireGone(t *testing.T, s queuedriver.Store, gone bool, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, err := s.Get(ctx, k)
		if gone {
			require.ErrorIs(t, err, queuedriver.ErrNotFound, "%s should be purged", k)
		} else {
			require.NoError(t, err, "%s should be kept", k)
		}
	}
}

func testPurgeDone(t *testing.T, s queuedriver.Store, p queuedriver.Purger) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	// Old items that are not Done stay, whatever their state.
	up(t, s, queuedriver.UpsertParams{Key: "waiting", Team: "w", Score: 1, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "claimed", Team: "c", Score: 1, Now: at(0)})
	mustClaim(t, s, "b", queuedriver.Filter{Teams: []string{"c"}}, at(0), "Lc")
	up(t, s, queuedriver.UpsertParams{Key: "snoozed", Team: "s", Score: 1, Now: at(0)})
	sn := mustClaim(t, s, "b", queuedriver.Filter{Teams: []string{"s"}}, at(0), "Ls")
	_, err := s.Release(ctx, ref(sn, at(time.Second)), queuedriver.ReleaseParams{Until: at(48 * time.Hour)})
	require.NoError(t, err)
	completeAt(t, s, "old1", at(time.Minute))
	completeAt(t, s, "old2", at(2*time.Minute))
	completeAt(t, s, "young", at(10*time.Minute))
	// A Done item re-opened is no longer Done.
	completeAt(t, s, "reopened", at(3*time.Minute))
	up(t, s, queuedriver.UpsertParams{Key: "reopened", Score: 1, Now: at(4 * time.Minute)})

	require.Equal(t, 0, purge(t, p, at(time.Minute), 10), "before is exclusive")
	require.Equal(t, 2, purge(t, p, at(5*time.Minute), 10))
	requireGone(t, s, true, "old1", "old2")
	requireGone(t, s, false, "young", "reopened", "waiting", "claimed", "snoozed")
	require.Equal(t, 0, purge(t, p, at(5*time.Minute), 10), "nothing left to purge")
	n, err := s.Count(ctx, queuedriver.Filter{}, at(4*time.Minute))
	require.NoError(t, err)
	require.Equal(t, 2, n, "waiting and reopened")
	// Much later, only the Done one goes.
	require.Equal(t, 1, purge(t, p, at(72*time.Hour), 10))
	requireGone(t, s, true, "young")
	requireGone(t, s, false, "reopened", "waiting", "claimed", "snoozed")
	_, err = s.Reassign(ctx, queuedriver.ReassignParams{Key: "young", ToAgent: "a", NewLeaseID: "L9", ExpiresAt: at(73 * time.Hour), Now: at(72 * time.Hour)})
	require.ErrorIs(t, err, queuedriver.ErrNotFound)
}

func testPurgeLimit(t *testing.T, s queuedriver.Store, p queuedriver.Purger) {
	put(t, s, "a", 0, true)
	// Completed out of order: k0 last but earliest.
	for i := 1; i <= 5; i++ {
		completeAt(t, s, fmt.Sprint("k", i), at(time.Duration(i)*time.Minute))
	}
	completeAt(t, s, "k0", at(30*time.Second))
	before := at(time.Hour)
	require.Equal(t, 0, purge(t, p, before, 0), "a limit below 1 purges nothing")
	require.Equal(t, 2, purge(t, p, before, 2))
	requireGone(t, s, true, "k0", "k1")
	requireGone(t, s, false, "k2", "k3", "k4", "k5")
	require.Equal(t, 1, purge(t, p, before, 1))
	requireGone(t, s, true, "k2")
	require.Equal(t, 3, purge(t, p, before, 100))
	requireGone(t, s, true, "k3", "k4", "k5")
	require.Equal(t, 0, purge(t, p, before, 100))
}

func testPurgeReupsert(t *testing.T, s queuedriver.Store, p queuedriver.Purger) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	old := completeAt(t, s, "k", at(time.Minute))
	require.Equal(t, 1, old.Claims)
	require.Equal(t, "a", old.LastAgent)
	require.Equal(t, 1, purge(t, p, at(time.Hour), 10))
	requireGone(t, s, true, "k")
	now := at(2 * time.Hour)
	it := up(t, s, queuedriver.UpsertParams{Key: "k", Channel: "x", Score: 2, Now: now})
	require.Equal(t, queuedriver.Waiting, it.State)
	require.Equal(t, 0, it.Claims, "a purged key is a new item")
	require.Equal(t, int64(1), it.Version)
	require.Equal(t, 1, it.Unanswered)
	require.Empty(t, it.LastAgent)
	require.True(t, it.LastHeldAt.IsZero())
	require.True(t, it.EnqueuedAt.Equal(now))
	// No affinity to the old holder: another agent takes it at once.
	got := mustClaim(t, s, "b", queuedriver.Filter{}, now, "L2")
	require.Equal(t, "k", got.Key)
	require.Equal(t, 1, got.Claims)
	_, err := s.Complete(ctx, ref(got, now.Add(time.Minute)))
	require.NoError(t, err)
	require.Equal(t, 0, purge(t, p, now, 10), "completed after the cutoff")
	require.Equal(t, 1, purge(t, p, now.Add(time.Hour), 10))
	requireGone(t, s, true, "k")
}
