package queuedrivertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// The cases of optional features skip, saying so, for a store that does
// not implement the feature's interface.

func withUpdater(fn func(t *testing.T, s queuedriver.Store, u queuedriver.Updater)) func(*testing.T, queuedriver.Store) {
	return func(t *testing.T, s queuedriver.Store) {
		u, ok := s.(queuedriver.Updater)
		if !ok {
			t.Skipf("queuedrivertest: %T does not implement queuedriver.Updater", s)
		}
		fn(t, s, u)
	}
}

func update(t *testing.T, u queuedriver.Updater, p queuedriver.UpdateParams) *queuedriver.Item {
	t.Helper()
	p.Weights = W
	it, err := u.Update(ctx, p)
	require.NoError(t, err)
	return &it
}

func testUnanswered(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	first := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Unanswered: 3, Now: at(0)})
	require.Equal(t, 3, first.Unanswered, "a new item takes the count given")
	again := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Unanswered: 3, Now: at(time.Second)})
	require.Equal(t, 3, again.Unanswered, "the same state recorded twice keeps its count")
	require.Greater(t, again.Version, first.Version)
	counted := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(2 * time.Second)})
	require.Equal(t, 4, counted.Unanswered, "zero counts one more")
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(3*time.Second), "L1")
	held := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Unanswered: 2, Now: at(4 * time.Second)})
	require.Equal(t, 2, held.Unanswered, "a claimed item takes the count given")
	require.Equal(t, queuedriver.Claimed, held.State)
	done, err := s.Complete(ctx, ref(it, at(5*time.Second)))
	require.NoError(t, err)
	require.Equal(t, 0, done.Unanswered)
	re := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Unanswered: 5, Now: at(time.Minute)})
	require.Equal(t, 5, re.Unanswered, "a re-opened item takes the count given")
	require.Equal(t, queuedriver.Waiting, re.State)
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, 5, got.Unanswered)
}

func testUpdateWaiting(t *testing.T, s queuedriver.Store, u queuedriver.Updater) {
	put(t, s, "a", 0, true)
	orig := up(t, s, queuedriver.UpsertParams{Key: "k", Channel: "x", Team: "care", Language: "en", Score: 5, Payload: []byte("p1"), Now: at(0)})
	second := up(t, s, queuedriver.UpsertParams{Key: "k", Channel: "x", Team: "care", Language: "en", Score: 5, Payload: []byte("p1"), Now: at(time.Second)})
	got := update(t, u, queuedriver.UpdateParams{Key: "k", Channel: "x", Team: "billing", Language: "fr", Skills: []string{"refund"},
		Score: 9, Deadline: at(time.Hour), Payload: []byte("p2"), Now: at(time.Minute)})
	require.Equal(t, queuedriver.Waiting, got.State)
	require.Equal(t, "billing", got.Team)
	require.Equal(t, "fr", got.Language)
	require.Equal(t, []string{"refund"}, got.Skills)
	require.Equal(t, 9.0, got.Score)
	require.True(t, got.Deadline.Equal(at(time.Hour)))
	require.Equal(t, []byte("p2"), got.Payload)
	require.True(t, got.EnqueuedAt.Equal(orig.EnqueuedAt), "EnqueuedAt is kept")
	require.True(t, got.UpdatedAt.Equal(at(time.Minute)))
	require.Equal(t, 2, got.Unanswered, "no message is counted")
	require.Equal(t, second.Version, got.Version, "the version is kept")
	require.Equal(t, 0, got.Claims)
	require.Equal(t, queuedriver.Rank(W, 9, at(time.Hour), orig.EnqueuedAt), got.Rank)
	stored, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, got.Version, stored.Version)
	require.Equal(t, "billing", stored.Team)
	// The move is visible to filtered claims and counts.
	now := at(2 * time.Minute)
	n, err := s.Count(ctx, queuedriver.Filter{Teams: []string{"care"}}, now)
	require.NoError(t, err)
	require.Equal(t, 0, n)
	n, err = s.Count(ctx, queuedriver.Filter{Teams: []string{"billing"}, Skills: []string{"refund"}}, now)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = claim(s, "a", queuedriver.Filter{Teams: []string{"care"}, Skills: []string{"refund"}}, now, "L1")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	_, err = claim(s, "a", queuedriver.Filter{Teams: []string{"billing"}}, now, "L1")
	require.ErrorIs(t, err, queuedriver.ErrNoItem, "the item now needs a skill")
	c := mustClaim(t, s, "a", queuedriver.Filter{Channels: []string{"x"}, Teams: []string{"billing"}, Skills: []string{"refund"}}, now, "L2")
	require.Equal(t, "k", c.Key)
}

func testUpdateRank(t *testing.T, s queuedriver.Store, u queuedriver.Updater) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k1", Score: 10, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "k2", Score: 20, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "k3", Score: 15, Now: at(0)})
	update(t, u, queuedriver.UpdateParams{Key: "k1", Score: 30, Now: at(time.Second)})
	update(t, u, queuedriver.UpdateParams{Key: "k2", Score: 1, Now: at(time.Second)})
	var got []string
	for i := range 3 {
		got = append(got, mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Minute), fmt.Sprint("L", i)).Key)
	}
	require.Equal(t, []string{"k1", "k3", "k2"}, got)
}

func testUpdateClaimed(t *testing.T, s queuedriver.Store, u queuedriver.Updater) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Team: "care", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Second), "L1")
	got := update(t, u, queuedriver.UpdateParams{Key: "k", Team: "billing", Score: 7, Now: at(2 * time.Second)})
	require.Equal(t, queuedriver.Claimed, got.State, "an update keeps the holder")
	require.Equal(t, "a", got.Holder)
	require.Equal(t, "L1", got.LeaseID)
	require.True(t, got.LeaseExpiresAt.Equal(it.LeaseExpiresAt))
	require.Equal(t, 1, got.Claims)
	require.Equal(t, it.Version, got.Version)
	require.Equal(t, "billing", got.Team)
	_, err := claim(s, "b", queuedriver.Filter{}, at(3*time.Second), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	ext, err := s.Extend(ctx, ref(it, at(3*time.Second)), at(10*time.Minute))
	require.NoError(t, err, "the lease survives the update")
	require.Equal(t, "billing", ext.Team)
	// Once the lease expires, the item is claimable in its new team only.
	later := at(11 * time.Minute)
	_, err = claim(s, "b", queuedriver.Filter{Teams: []string{"care"}}, later, "L3")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	c := mustClaim(t, s, "b", queuedriver.Filter{Teams: []string{"billing"}}, later, "L4")
	require.Equal(t, "k", c.Key)
	require.Equal(t, "a", c.LastAgent)
	// An update of an item whose lease expired keeps it in its state.
	exp := update(t, u, queuedriver.UpdateParams{Key: "k", Team: "care", Score: 7, Now: at(30 * time.Minute)})
	require.Equal(t, queuedriver.Claimed, exp.State)
	c2 := mustClaim(t, s, "a", queuedriver.Filter{Teams: []string{"care"}}, at(30*time.Minute), "L5")
	require.Equal(t, "k", c2.Key)
	require.Equal(t, "b", c2.LastAgent)
}

func testUpdateSnoozed(t *testing.T, s queuedriver.Store, u queuedriver.Updater) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Team: "care", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	sn, err := s.Release(ctx, ref(it, at(time.Minute)), queuedriver.ReleaseParams{Until: at(time.Hour)})
	require.NoError(t, err)
	got := update(t, u, queuedriver.UpdateParams{Key: "k", Team: "billing", Score: 3, Now: at(2 * time.Minute)})
	require.Equal(t, queuedriver.Snoozed, got.State, "an update does not wake a snoozed item")
	require.True(t, got.SnoozedUntil.Equal(sn.SnoozedUntil))
	require.Equal(t, "a", got.LastAgent)
	require.True(t, got.LastHeldAt.Equal(at(time.Minute)))
	_, err = claim(s, "b", queuedriver.Filter{Teams: []string{"billing"}}, at(30*time.Minute), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	_, err = claim(s, "b", queuedriver.Filter{Teams: []string{"care"}}, at(2*time.Hour), "L3")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	c := mustClaim(t, s, "b", queuedriver.Filter{Teams: []string{"billing"}}, at(2*time.Hour), "L4")
	require.Equal(t, "k", c.Key)
	require.Equal(t, 3.0, c.Score)
}

func testUpdateNotFound(t *testing.T, s queuedriver.Store, u queuedriver.Updater) {
	put(t, s, "a", 0, true)
	_, err := u.Update(ctx, queuedriver.UpdateParams{Key: "missing", Weights: W, Now: at(0)})
	require.ErrorIs(t, err, queuedriver.ErrNotFound)
	up(t, s, queuedriver.UpsertParams{Key: "k", Team: "care", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	_, err = s.Complete(ctx, ref(it, at(time.Second)))
	require.NoError(t, err)
	_, err = u.Update(ctx, queuedriver.UpdateParams{Key: "k", Team: "billing", Weights: W, Now: at(time.Minute)})
	require.ErrorIs(t, err, queuedriver.ErrNotFound, "a done item is not updated")
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, queuedriver.Done, got.State)
	require.Equal(t, "care", got.Team)
}
