// Package queuedrivertest is the conformance suite that every
// queuedriver.Store must pass: the in-memory memqueue, the PostgreSQL
// pgqueue, and any store a host writes. Run it from a test of the store's
// package:
//
//	func TestConformance(t *testing.T) {
//		queuedrivertest.RunConformanceTests(t, func(t *testing.T) queuedriver.Store {
//			return memqueue.New()
//		})
//	}
//
// The suite drives the store directly (not through package queue), with
// times at whole microseconds so that stores with microsecond precision
// pass. It covers ordering, upsert by key, filters, capacity, affinity,
// lease expiry, ErrLeaseLost, snooze, transfers, steals, agent release,
// counts and stats, and concurrent claimers; and, for stores that implement
// them, the optional queuedriver.Updater and queuedriver.Purger (their
// cases skip, saying so, for a store that does not).
package queuedrivertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// t0 is the suite's fixed start instant.
var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// W are the weights the suite ranks with.
var W = queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}

// RunConformanceTests runs the suite. newStore must return a new, empty
// store each time it is called (one per subtest); it may register cleanups
// with t. Subtests run in parallel.
func RunConformanceTests(t *testing.T, newStore func(t *testing.T) queuedriver.Store) {
	t.Helper()
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// Names returns the names of the suite's subtests, in the order they
// start, so that a store's test can select some with -run.
func Names() []string {
	out := make([]string, len(suite))
	for i, tc := range suite {
		out[i] = tc.name
	}
	return out
}

var suite = []struct {
	name string
	fn   func(t *testing.T, s queuedriver.Store)
}{
	{"Ordering", testOrdering},
	{"Rescore", testRescore},
	{"UpsertByKey", testUpsertByKey},
	{"UpsertClaimed", testUpsertClaimed},
	{"Reopen", testReopen},
	{"Filters", testFilters},
	{"Capacity", testCapacity},
	{"Affinity", testAffinity},
	{"LeaseExpiry", testLeaseExpiry},
	{"ErrLeaseLost", testErrLeaseLost},
	{"Extend", testExtend},
	{"Snooze", testSnooze},
	{"TransferToTeam", testTransferToTeam},
	{"Reassign", testReassign},
	{"ReleaseAgent", testReleaseAgent},
	{"CountAndStats", testCountAndStats},
	{"Agents", testAgents},
	{"ConcurrentClaimers", testConcurrentClaimers},
	{"Unanswered", testUnanswered},
	// Optional features (optional.go, purge.go).
	{"UpdateWaiting", withUpdater(testUpdateWaiting)},
	{"UpdateRank", withUpdater(testUpdateRank)},
	{"UpdateClaimed", withUpdater(testUpdateClaimed)},
	{"UpdateSnoozed", withUpdater(testUpdateSnoozed)},
	{"UpdateNotFound", withUpdater(testUpdateNotFound)},
	{"PurgeDone", withPurger(testPurgeDone)},
	{"PurgeLimit", withPurger(testPurgeLimit)},
	{"PurgeReupsert", withPurger(testPurgeReupsert)},
	{"List", withLister(testList)},
}

var ctx = context.Background()

func at(d time.Duration) time.Time { return t0.Add(d) }

func put(t *testing.T, s queuedriver.Store, id string, capacity int, online bool) {
	t.Helper()
	require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: id, Capacity: capacity, Online: online, Since: t0}))
}

func up(t *testing.T, s queuedriver.Store, p queuedriver.UpsertParams) *queuedriver.Item {
	t.Helper()
	p.Weights = W
	it, err := s.Upsert(ctx, p)
	require.NoError(t, err)
	return &it
}

func claim(s queuedriver.Store, agent string, f queuedriver.Filter, now time.Time, lease string) (*queuedriver.Item, error) {
	it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: agent, Filter: f, LeaseID: lease, ExpiresAt: now.Add(5 * time.Minute), AffinityWindow: 30 * time.Minute, Now: now})
	if err != nil {
		return nil, err
	}
	return &it, nil
}

func mustClaim(t *testing.T, s queuedriver.Store, agent string, f queuedriver.Filter, now time.Time, lease string) *queuedriver.Item {
	t.Helper()
	it, err := claim(s, agent, f, now, lease)
	require.NoError(t, err, "claim by %s", agent)
	return it
}

func ref(it *queuedriver.Item, now time.Time) queuedriver.LeaseRef {
	return queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: now}
}

func testOrdering(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "low", Score: 1, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "high", Score: 50, Now: at(time.Second)})
	up(t, s, queuedriver.UpsertParams{Key: "tie-old", Score: 10, Now: at(2 * time.Second)})
	up(t, s, queuedriver.UpsertParams{Key: "tie-new", Score: 10, Now: at(2 * time.Second)})
	// A close deadline outranks a higher score: 60 minutes of slack gained
	// is worth 30 points at Slack 0.5 against a 24h horizon.
	up(t, s, queuedriver.UpsertParams{Key: "due", Score: 1, Deadline: at(time.Hour), Now: at(3 * time.Second)})
	// Waiting counts: at Slack 0.5 and Wait 0.5, every minute waited is
	// worth one point, so "low" (score 1), here 100 minutes earlier, goes
	// before "later" (score 40).
	up(t, s, queuedriver.UpsertParams{Key: "later", Score: 40, Now: at(100 * time.Minute)})
	want := []string{"due", "high", "tie-new", "tie-old", "low", "later"}
	// tie-new and tie-old share Rank and EnqueuedAt: the key decides.
	now := at(2 * time.Hour)
	var got []string
	for i := range want {
		it := mustClaim(t, s, "a", queuedriver.Filter{}, now, fmt.Sprint("L", i))
		require.Equal(t, queuedriver.Claimed, it.State)
		require.Equal(t, "a", it.Holder)
		require.Equal(t, 1, it.Claims)
		require.Equal(t, queuedriver.Rank(W, it.Score, it.Deadline, it.EnqueuedAt), it.Rank)
		got = append(got, it.Key)
	}
	require.Equal(t, want, got)
	_, err := claim(s, "a", queuedriver.Filter{}, now, "L-none")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
}

func testRescore(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k1", Score: 10, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "k2", Score: 20, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "k1", Score: 30, Now: at(time.Second)})
	require.Equal(t, "k1", mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Minute), "L1").Key)
	up(t, s, queuedriver.UpsertParams{Key: "k3", Score: 25, Now: at(time.Minute)})
	up(t, s, queuedriver.UpsertParams{Key: "k3", Score: 0, Now: at(time.Minute)})
	require.Equal(t, "k2", mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Minute), "L2").Key)
}

func testUpsertByKey(t *testing.T, s queuedriver.Store) {
	first := up(t, s, queuedriver.UpsertParams{Key: "k", Channel: "x", Team: "care", Language: "en", Skills: []string{"refund"}, Score: 5, Payload: []byte("p1"), Now: at(0)})
	require.Equal(t, queuedriver.Waiting, first.State)
	require.Equal(t, 1, first.Unanswered)
	require.True(t, first.EnqueuedAt.Equal(at(0)))
	second := up(t, s, queuedriver.UpsertParams{Key: "k", Channel: "x", Team: "billing", Language: "fr", Score: 9, Deadline: at(time.Hour), Payload: []byte("p2"), Now: at(time.Minute)})
	require.Equal(t, 2, second.Unanswered)
	require.Greater(t, second.Version, first.Version)
	require.True(t, second.EnqueuedAt.Equal(at(0)), "EnqueuedAt is kept")
	require.True(t, second.UpdatedAt.Equal(at(time.Minute)))
	require.True(t, second.Deadline.Equal(at(time.Hour)))
	require.Equal(t, "billing", second.Team)
	require.Equal(t, "fr", second.Language)
	require.Empty(t, second.Skills)
	require.Equal(t, []byte("p2"), second.Payload)
	require.Equal(t, queuedriver.Rank(W, 9, at(time.Hour), at(0)), second.Rank)
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, second.Version, got.Version)
	n, err := s.Count(ctx, queuedriver.Filter{}, at(time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, n, "one item per key")
	_, err = s.Get(ctx, "missing")
	require.ErrorIs(t, err, queuedriver.ErrNotFound)
}

func testUpsertClaimed(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Second), "L1")
	again := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 7, Now: at(2 * time.Second)})
	require.Equal(t, queuedriver.Claimed, again.State, "a new message stays with its holder")
	require.Equal(t, "a", again.Holder)
	require.Equal(t, "L1", again.LeaseID)
	require.Equal(t, 2, again.Unanswered)
	require.Equal(t, 7.0, again.Score)
	_, err := claim(s, "b", queuedriver.Filter{}, at(3*time.Second), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	got, err := s.Extend(ctx, ref(it, at(3*time.Second)), at(10*time.Minute))
	require.NoError(t, err)
	require.Equal(t, 2, got.Unanswered, "the holder sees the new message")
}

func testReopen(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Second), "L1")
	done, err := s.Complete(ctx, ref(it, at(time.Minute)))
	require.NoError(t, err)
	require.Equal(t, queuedriver.Done, done.State)
	require.Equal(t, 0, done.Unanswered)
	require.Equal(t, "a", done.LastAgent)
	require.Empty(t, done.Holder)
	_, err = claim(s, "a", queuedriver.Filter{}, at(time.Minute), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem, "done items are not claimable")
	re := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(time.Hour)})
	require.Equal(t, queuedriver.Waiting, re.State)
	require.Equal(t, 1, re.Unanswered)
	require.True(t, re.EnqueuedAt.Equal(at(time.Hour)), "a re-opened item waits from its new message")
}

func testFilters(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "x-care-en", Channel: "x", Team: "care", Language: "en", Score: 50, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "fb-care-fr", Channel: "facebook", Team: "care", Language: "fr", Score: 40, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "x-billing-any", Channel: "x", Team: "billing", Score: 30, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "x-care-refund", Channel: "x", Team: "care", Skills: []string{"refund", "vip"}, Score: 60, Now: at(0)})
	now := at(time.Minute)
	cases := []struct {
		f    queuedriver.Filter
		want []string
	}{
		{queuedriver.Filter{Channels: []string{"facebook"}}, []string{"fb-care-fr"}},
		{queuedriver.Filter{Teams: []string{"billing"}}, []string{"x-billing-any"}},
		{queuedriver.Filter{Channels: []string{"x"}, Teams: []string{"care", "billing"}}, []string{"x-care-en", "x-billing-any"}},
		{queuedriver.Filter{Languages: []string{"fr"}}, []string{"fb-care-fr", "x-billing-any"}},
		{queuedriver.Filter{Skills: []string{"refund"}}, []string{"x-care-en", "fb-care-fr", "x-billing-any"}},
		{queuedriver.Filter{Skills: []string{"vip", "refund"}}, []string{"x-care-refund", "x-care-en", "fb-care-fr", "x-billing-any"}},
		{queuedriver.Filter{Channels: []string{"email"}}, nil},
	}
	for i, c := range cases {
		n, err := s.Count(ctx, c.f, now)
		require.NoError(t, err)
		require.Equal(t, len(c.want), n, "count %d %+v", i, c.f)
	}
	// Claim in order with each filter, then release so the next case sees
	// the same queue.
	for i, c := range cases {
		var got []string
		var held []*queuedriver.Item
		for j := range 5 {
			it, err := claim(s, "a", c.f, now, fmt.Sprintf("L%d-%d", i, j))
			if errors.Is(err, queuedriver.ErrNoItem) {
				break
			}
			require.NoError(t, err)
			require.True(t, c.f.Match(it), "claimed item must match the filter")
			got = append(got, it.Key)
			held = append(held, it)
		}
		require.Equal(t, c.want, got, "case %d %+v", i, c.f)
		for _, it := range held {
			_, err := s.Release(ctx, ref(it, now), queuedriver.ReleaseParams{})
			require.NoError(t, err)
		}
	}
}

func testCapacity(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 2, true)
	for i := range 4 {
		up(t, s, queuedriver.UpsertParams{Key: fmt.Sprint("k", i), Score: float64(i), Now: at(0)})
	}
	now := at(time.Second)
	i1 := mustClaim(t, s, "a", queuedriver.Filter{}, now, "L1")
	mustClaim(t, s, "a", queuedriver.Filter{}, now, "L2")
	_, err := claim(s, "a", queuedriver.Filter{}, now, "L3")
	require.ErrorIs(t, err, queuedriver.ErrAtCapacity)
	_, err = s.Complete(ctx, ref(i1, now))
	require.NoError(t, err)
	mustClaim(t, s, "a", queuedriver.Filter{}, now, "L4")
	_, err = claim(s, "a", queuedriver.Filter{}, now, "L5")
	require.ErrorIs(t, err, queuedriver.ErrAtCapacity)
	// Expired leases do not count.
	later := now.Add(6 * time.Minute)
	mustClaim(t, s, "a", queuedriver.Filter{}, later, "L6")
	// Raising capacity takes effect at once.
	put(t, s, "a", 3, true)
	mustClaim(t, s, "a", queuedriver.Filter{}, later, "L7")
	st, err := s.Stats(ctx, later)
	require.NoError(t, err)
	require.Equal(t, 2, st.ClaimsByAgent["a"])
}

func testAffinity(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Second), "L1")
	_, err := s.Complete(ctx, ref(it, at(time.Minute)))
	require.NoError(t, err)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(2 * time.Minute)})
	_, err = claim(s, "b", queuedriver.Filter{}, at(3*time.Minute), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem, "reserved for a while a is online")
	// Without affinity b may take it.
	n, err := s.Count(ctx, queuedriver.Filter{}, at(3*time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, n, "Count ignores affinity")
	// a goes offline: b may take it.
	put(t, s, "a", 0, false)
	got := mustClaim(t, s, "b", queuedriver.Filter{}, at(4*time.Minute), "L3")
	require.Equal(t, "k", got.Key)
	_, err = s.Release(ctx, ref(got, at(5*time.Minute)), queuedriver.ReleaseParams{})
	require.NoError(t, err)
	// Now b is the last agent: a (back online) may not take it, b may.
	put(t, s, "a", 0, true)
	_, err = claim(s, "a", queuedriver.Filter{}, at(6*time.Minute), "L4")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	// After the window anyone may.
	got = mustClaim(t, s, "a", queuedriver.Filter{}, at(36*time.Minute), "L5")
	require.Equal(t, "b", got.LastAgent)
	// A zero window disables affinity.
	_, err = s.Release(ctx, ref(got, at(37*time.Minute)), queuedriver.ReleaseParams{})
	require.NoError(t, err)
	_, err = s.Claim(ctx, queuedriver.ClaimParams{Agent: "b", LeaseID: "L6", ExpiresAt: at(time.Hour), Now: at(38 * time.Minute)})
	require.NoError(t, err)
}

func testLeaseExpiry(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 1, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	require.True(t, it.LeaseExpiresAt.Equal(at(5*time.Minute)))
	_, err := claim(s, "b", queuedriver.Filter{}, at(5*time.Minute-time.Microsecond), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, got.Claimable(at(5*time.Minute)))
	// At the expiry instant the lease is gone and the item claimable.
	stolen, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "b", LeaseID: "L2", ExpiresAt: at(time.Hour), Now: at(5 * time.Minute)})
	require.NoError(t, err)
	require.Equal(t, "b", stolen.Holder)
	require.Equal(t, "a", stolen.LastAgent)
	require.True(t, stolen.LastHeldAt.Equal(at(5*time.Minute)))
	require.Equal(t, 2, stolen.Claims)
	_, err = s.Complete(ctx, ref(it, at(6*time.Minute)))
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
	// a's capacity is free again.
	up(t, s, queuedriver.UpsertParams{Key: "k2", Score: 1, Now: at(6 * time.Minute)})
	mustClaim(t, s, "a", queuedriver.Filter{}, at(6*time.Minute), "L3")
}

func testErrLeaseLost(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	now := at(time.Minute)
	bad := []queuedriver.LeaseRef{
		{Key: "k", LeaseID: "wrong", Now: now},
		{Key: "missing", LeaseID: "L1", Now: now},
		{Key: "k", LeaseID: "", Now: now},
		{Key: "k", LeaseID: "L1", Now: at(5 * time.Minute)}, // expired
	}
	for i, l := range bad {
		_, err := s.Extend(ctx, l, now.Add(time.Hour))
		require.ErrorIs(t, err, queuedriver.ErrLeaseLost, "extend %d", i)
		_, err = s.Complete(ctx, l)
		require.ErrorIs(t, err, queuedriver.ErrLeaseLost, "complete %d", i)
		_, err = s.Release(ctx, l, queuedriver.ReleaseParams{})
		require.ErrorIs(t, err, queuedriver.ErrLeaseLost, "release %d", i)
		if l.LeaseID != "" { // an empty FromLeaseID is a steal
			_, err = s.Reassign(ctx, queuedriver.ReassignParams{Key: l.Key, FromLeaseID: l.LeaseID, ToAgent: "b", NewLeaseID: "X", ExpiresAt: now.Add(time.Hour), Now: l.Now})
			require.ErrorIs(t, err, queuedriver.ErrLeaseLost, "reassign %d", i)
		}
	}
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, it.LeaseID, got.LeaseID, "failed operations change nothing")
	require.True(t, got.LeaseExpiresAt.Equal(it.LeaseExpiresAt))
	_, err = s.Complete(ctx, ref(it, now))
	require.NoError(t, err)
	_, err = s.Complete(ctx, ref(it, now))
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost, "no second completion")
}

func testExtend(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	ext, err := s.Extend(ctx, ref(it, at(4*time.Minute)), at(9*time.Minute))
	require.NoError(t, err)
	require.True(t, ext.LeaseExpiresAt.Equal(at(9*time.Minute)))
	_, err = claim(s, "b", queuedriver.Filter{}, at(6*time.Minute), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem, "an extended lease holds")
	mustClaim(t, s, "b", queuedriver.Filter{}, at(9*time.Minute), "L3")
}

func testSnooze(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	sn, err := s.Release(ctx, ref(it, at(time.Minute)), queuedriver.ReleaseParams{Until: at(time.Hour)})
	require.NoError(t, err)
	require.Equal(t, queuedriver.Snoozed, sn.State)
	require.True(t, sn.SnoozedUntil.Equal(at(time.Hour)))
	require.Empty(t, sn.Holder)
	for _, now := range []time.Time{at(2 * time.Minute), at(time.Hour - time.Microsecond)} {
		_, err = claim(s, "a", queuedriver.Filter{}, now, "L2")
		require.ErrorIs(t, err, queuedriver.ErrNoItem)
		n, err := s.Count(ctx, queuedriver.Filter{}, now)
		require.NoError(t, err)
		require.Zero(t, n)
	}
	back := mustClaim(t, s, "a", queuedriver.Filter{}, at(time.Hour), "L3")
	require.Equal(t, "k", back.Key)
	require.True(t, back.SnoozedUntil.IsZero())
	// A new message wakes a snoozed item early.
	_, err = s.Release(ctx, ref(back, at(time.Hour)), queuedriver.ReleaseParams{Until: at(3 * time.Hour)})
	require.NoError(t, err)
	woke := up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(2 * time.Hour)})
	require.Equal(t, queuedriver.Waiting, woke.State)
	mustClaim(t, s, "a", queuedriver.Filter{}, at(2*time.Hour), "L4")
}

func testTransferToTeam(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Team: "care", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{Teams: []string{"care"}}, at(0), "L1")
	tr, err := s.Release(ctx, ref(it, at(time.Minute)), queuedriver.ReleaseParams{Team: "billing"})
	require.NoError(t, err)
	require.Equal(t, "billing", tr.Team)
	require.Equal(t, queuedriver.Waiting, tr.State)
	require.Empty(t, tr.LastAgent, "a transfer drops affinity")
	_, err = claim(s, "b", queuedriver.Filter{Teams: []string{"care"}}, at(time.Minute), "L2")
	require.ErrorIs(t, err, queuedriver.ErrNoItem)
	got := mustClaim(t, s, "b", queuedriver.Filter{Teams: []string{"billing"}}, at(time.Minute), "L3")
	require.Equal(t, "k", got.Key)
}

func testReassign(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 1, true)
	up(t, s, queuedriver.UpsertParams{Key: "k", Score: 1, Now: at(0)})
	it := mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	now := at(time.Minute)
	_, err := s.Reassign(ctx, queuedriver.ReassignParams{Key: "k", FromLeaseID: "L1", ToAgent: "ghost", NewLeaseID: "L2", ExpiresAt: now.Add(time.Hour), Now: now})
	require.ErrorIs(t, err, queuedriver.ErrUnknownAgent)
	_, err = s.Reassign(ctx, queuedriver.ReassignParams{Key: "missing", ToAgent: "b", NewLeaseID: "L2", ExpiresAt: now.Add(time.Hour), Now: now})
	require.ErrorIs(t, err, queuedriver.ErrNotFound)
	// A transfer by the holder.
	tr, err := s.Reassign(ctx, queuedriver.ReassignParams{Key: "k", FromLeaseID: "L1", ToAgent: "b", NewLeaseID: "L2", ExpiresAt: now.Add(time.Hour), Now: now})
	require.NoError(t, err)
	require.Equal(t, "b", tr.Holder)
	require.Equal(t, "L2", tr.LeaseID)
	require.Equal(t, "a", tr.LastAgent)
	_, err = s.Complete(ctx, ref(it, now))
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost, "the old lease is gone")
	// A steal, whatever the state.
	st, err := s.Reassign(ctx, queuedriver.ReassignParams{Key: "k", ToAgent: "a", NewLeaseID: "L3", ExpiresAt: now.Add(time.Hour), Now: now.Add(time.Second)})
	require.NoError(t, err)
	require.Equal(t, "a", st.Holder)
	require.Equal(t, "b", st.LastAgent)
	require.Equal(t, 3, st.Claims)
	_, err = s.Extend(ctx, ref(&tr, now.Add(2*time.Second)), now.Add(time.Hour))
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
	stats, err := s.Stats(ctx, now.Add(2*time.Second))
	require.NoError(t, err)
	require.Equal(t, map[string]int{"a": 1}, stats.ClaimsByAgent)
	// The stolen lease works.
	_, err = s.Complete(ctx, ref(&st, now.Add(3*time.Second)))
	require.NoError(t, err)
}

func testReleaseAgent(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	put(t, s, "b", 0, true)
	for _, k := range []string{"k3", "k1", "k2"} {
		up(t, s, queuedriver.UpsertParams{Key: k, Score: 1, Now: at(0)})
	}
	mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L1")
	mustClaim(t, s, "a", queuedriver.Filter{}, at(0), "L2")
	other := mustClaim(t, s, "b", queuedriver.Filter{}, at(0), "L3")
	keys, err := s.ReleaseAgent(ctx, "a", at(time.Minute))
	require.NoError(t, err)
	require.Equal(t, []string{"k1", "k2"}, keys, "sorted keys")
	for _, k := range keys {
		it, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.Equal(t, queuedriver.Waiting, it.State)
		require.Equal(t, "a", it.LastAgent)
	}
	got, err := s.Get(ctx, other.Key)
	require.NoError(t, err)
	require.Equal(t, "b", got.Holder, "other agents keep their items")
	keys, err = s.ReleaseAgent(ctx, "a", at(time.Minute))
	require.NoError(t, err)
	require.Empty(t, keys)
	keys, err = s.ReleaseAgent(ctx, "ghost", at(time.Minute))
	require.NoError(t, err)
	require.Empty(t, keys)
}

func testCountAndStats(t *testing.T, s queuedriver.Store) {
	put(t, s, "a", 0, true)
	up(t, s, queuedriver.UpsertParams{Key: "k1", Channel: "x", Team: "care", Score: 1, Now: at(time.Minute)})
	up(t, s, queuedriver.UpsertParams{Key: "k2", Channel: "x", Team: "billing", Score: 1, Now: at(0)})
	up(t, s, queuedriver.UpsertParams{Key: "k3", Channel: "facebook", Team: "care", Score: 100, Now: at(2 * time.Minute)})
	now := at(3 * time.Minute)
	mustClaim(t, s, "a", queuedriver.Filter{}, now, "L1") // k3
	st, err := s.Stats(ctx, now)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"x": 2}, st.WaitingByChannel)
	require.Equal(t, map[string]int{"care": 1, "billing": 1}, st.WaitingByTeam)
	require.True(t, st.OldestWaiting.Equal(at(0)))
	require.Equal(t, map[string]int{"a": 1}, st.ClaimsByAgent)
	n, err := s.Count(ctx, queuedriver.Filter{Channels: []string{"x", "x"}, Teams: []string{"care"}}, now)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	// After the lease expires the item counts as waiting again.
	st, err = s.Stats(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, map[string]int{"x": 2, "facebook": 1}, st.WaitingByChannel)
	require.Empty(t, st.ClaimsByAgent)
	// Maps are never nil.
	require.NotNil(t, st.WaitingByTeam)
}

func testAgents(t *testing.T, s queuedriver.Store) {
	_, err := s.GetAgent(ctx, "a")
	require.ErrorIs(t, err, queuedriver.ErrUnknownAgent)
	_, err = claim(s, "a", queuedriver.Filter{}, at(0), "L1")
	require.ErrorIs(t, err, queuedriver.ErrUnknownAgent)
	put(t, s, "a", 3, true)
	a, err := s.GetAgent(ctx, "a")
	require.NoError(t, err)
	require.Equal(t, 3, a.Capacity)
	require.True(t, a.Online)
	put(t, s, "a", 1, false)
	a, err = s.GetAgent(ctx, "a")
	require.NoError(t, err)
	require.Equal(t, 1, a.Capacity)
	require.False(t, a.Online)
}

func testConcurrentClaimers(t *testing.T, s queuedriver.Store) {
	const agents, items = 8, 200
	for i := range agents {
		put(t, s, fmt.Sprint("a", i), 0, true)
	}
	for i := range items {
		up(t, s, queuedriver.UpsertParams{Key: fmt.Sprint("k", i), Channel: []string{"x", "facebook"}[i%2], Score: float64(i % 17), Now: at(0)})
	}
	var mu sync.Mutex
	owner := map[string]string{}
	var wg sync.WaitGroup
	errs := make(chan error, agents)
	for a := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agent := fmt.Sprint("a", a)
			for n := 0; ; n++ {
				it, err := claim(s, agent, queuedriver.Filter{}, at(time.Second), fmt.Sprintf("%s-%d", agent, n))
				if errors.Is(err, queuedriver.ErrNoItem) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				prev, dup := owner[it.Key]
				owner[it.Key] = agent
				mu.Unlock()
				if dup {
					errs <- fmt.Errorf("%s claimed by %s and %s", it.Key, prev, agent)
					return
				}
				if n%2 == 0 {
					if _, err := s.Complete(ctx, ref(it, at(2*time.Second))); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, owner, items, "every item claimed exactly once")
}
