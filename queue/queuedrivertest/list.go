package queuedrivertest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

func withLister(fn func(t *testing.T, s queuedriver.Store, l queuedriver.Lister)) func(*testing.T, queuedriver.Store) {
	return func(t *testing.T, s queuedriver.Store) {
		l, ok := s.(queuedriver.Lister)
		if !ok {
			t.Skipf("queuedrivertest: %T does not implement queuedriver.Lister", s)
		}
		fn(t, s, l)
	}
}

// listAll pages through a listing limit items at a time, checking each
// page's Total and More, and returns the keys in order.
func listAll(t *testing.T, l queuedriver.Lister, p queuedriver.ListParams, wantTotal int) []string {
	t.Helper()
	var keys []string
	for range 1000 {
		page, err := l.List(ctx, p)
		require.NoError(t, err)
		require.Equal(t, wantTotal, page.Total, "Total counts every page's items")
		require.LessOrEqual(t, len(page.Items), p.Limit)
		for _, it := range page.Items {
			keys = append(keys, it.Key)
		}
		if !page.More {
			return keys
		}
		require.Len(t, page.Items, p.Limit, "a page followed by more is full")
		c := queuedriver.CursorOf(&page.Items[len(page.Items)-1])
		p.After = &c
	}
	t.Fatal("the listing never ended")
	return nil
}

// testList checks List: only items claimable at Now, the channel and team
// filters, both orders with the formula's keys, pages that join into the
// whole listing, and a cursor that survives its item being claimed.
func testList(t *testing.T, s queuedriver.Store, l queuedriver.Lister) {
	put(t, s, "a", 0, true)
	now := at(time.Hour)
	empty, err := l.List(ctx, queuedriver.ListParams{Limit: 5, Now: now})
	require.NoError(t, err)
	require.Empty(t, empty.Items)
	require.False(t, empty.More)
	require.Zero(t, empty.Total)
	_, err = l.List(ctx, queuedriver.ListParams{Limit: 0, Now: now})
	require.True(t, errors.Is(err, queuedriver.ErrInvalid), "Limit 0: %v", err)

	chans, teams := []string{"x", "fb"}, []string{"care", "legal", "sales"}
	for i := range 40 {
		p := queuedriver.UpsertParams{Key: fmt.Sprintf("k%02d", i), Channel: chans[i%2], Team: teams[i%3],
			Score: float64((i * 7) % 11), Now: at(time.Duration(i) * time.Minute)}
		if i%4 != 0 { // every fourth has no deadline
			p.Deadline = at(time.Duration((i*13)%40) * 5 * time.Minute)
		}
		if i == 5 || i == 6 { // a tie on the deadline, broken by key
			p.Deadline = at(3 * time.Hour)
		}
		up(t, s, p)
	}
	// Not waiting at now: claimed under a live lease, snoozed until later,
	// done. Waiting again at now: an expired lease, a snooze that ended.
	held, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", Filter: queuedriver.Filter{Teams: []string{"legal"}}, LeaseID: "held",
		ExpiresAt: at(2 * time.Hour), Now: at(50 * time.Minute)})
	require.NoError(t, err)
	snoozed := mustClaim(t, s, "a", queuedriver.Filter{Teams: []string{"sales"}}, at(50*time.Minute), "snoozed")
	_, err = s.Release(ctx, ref(snoozed, at(51*time.Minute)), queuedriver.ReleaseParams{Until: at(2 * time.Hour)})
	require.NoError(t, err)
	done := mustClaim(t, s, "a", queuedriver.Filter{Teams: []string{"care"}}, at(50*time.Minute), "done")
	_, err = s.Complete(ctx, ref(done, at(51*time.Minute)))
	require.NoError(t, err)
	expired, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", Filter: queuedriver.Filter{Channels: []string{"fb"}}, LeaseID: "short",
		ExpiresAt: at(55 * time.Minute), Now: at(52 * time.Minute)})
	require.NoError(t, err)
	woke := mustClaim(t, s, "a", queuedriver.Filter{Channels: []string{"x"}}, at(52*time.Minute), "woke")
	_, err = s.Release(ctx, ref(woke, at(52*time.Minute)), queuedriver.ReleaseParams{Until: at(58 * time.Minute)})
	require.NoError(t, err)
	gone := []string{held.Key, snoozed.Key, done.Key}

	// The expected listings, from Get and the order's own comparison.
	var all []queuedriver.Item
	for i := range 40 {
		k := fmt.Sprintf("k%02d", i)
		if slices.Contains(gone, k) {
			continue
		}
		it, err := s.Get(ctx, k)
		require.NoError(t, err)
		all = append(all, it)
	}
	want := func(o queuedriver.Order, keep func(*queuedriver.Item) bool) []string {
		var items []queuedriver.Item
		for _, it := range all {
			if keep == nil || keep(&it) {
				items = append(items, it)
			}
		}
		slices.SortFunc(items, func(a, b queuedriver.Item) int {
			if queuedriver.ListLess(o, &a, &b) {
				return -1
			}
			return 1
		})
		keys := make([]string, len(items))
		for i, it := range items {
			keys[i] = it.Key
		}
		return keys
	}
	for _, o := range []queuedriver.Order{queuedriver.ByRank, queuedriver.ByDeadline} {
		t.Run(o.String(), func(t *testing.T) {
			whole := want(o, nil)
			require.Len(t, whole, 37)
			require.Contains(t, whole, expired.Key, "an expired lease's item is waiting")
			require.Contains(t, whole, woke.Key, "a snooze that ended is waiting")
			for _, limit := range []int{1, 7, 37, 100} {
				got := listAll(t, l, queuedriver.ListParams{Order: o, Limit: limit, Now: now}, 37)
				require.Equal(t, whole, got, "limit %d", limit)
			}
			if o == queuedriver.ByDeadline {
				first, err := s.Get(ctx, whole[0])
				require.NoError(t, err)
				last, err := s.Get(ctx, whole[len(whole)-1])
				require.NoError(t, err)
				require.False(t, first.Deadline.IsZero())
				require.True(t, last.Deadline.IsZero(), "items without a deadline come last")
				require.Less(t, slices.Index(whole, "k05"), slices.Index(whole, "k06"), "a tie goes by key")
			}
			x := want(o, func(it *queuedriver.Item) bool { return it.Channel == "x" })
			require.Equal(t, x, listAll(t, l, queuedriver.ListParams{Channels: []string{"x"}, Order: o, Limit: 4, Now: now}, len(x)))
			two := want(o, func(it *queuedriver.Item) bool { return it.Team == "legal" || it.Team == "sales" })
			require.Equal(t, two, listAll(t, l, queuedriver.ListParams{Teams: []string{"legal", "sales"}, Order: o, Limit: 6, Now: now}, len(two)))
			both := want(o, func(it *queuedriver.Item) bool { return it.Channel == "fb" && it.Team == "care" })
			require.Equal(t, both, listAll(t, l, queuedriver.ListParams{Channels: []string{"fb"}, Teams: []string{"care"}, Order: o, Limit: 2, Now: now}, len(both)))
		})
	}

	// A cursor outlives its item: the first page's last item is claimed,
	// and the next page still starts after it.
	first, err := l.List(ctx, queuedriver.ListParams{Limit: 3, Now: now})
	require.NoError(t, err)
	require.True(t, first.More)
	top := want(queuedriver.ByRank, nil)
	c := queuedriver.CursorOf(&first.Items[2])
	_, err = s.Reassign(ctx, queuedriver.ReassignParams{Key: first.Items[2].Key, ToAgent: "a", NewLeaseID: "steal", ExpiresAt: now.Add(time.Hour), Now: now})
	require.NoError(t, err)
	next, err := l.List(ctx, queuedriver.ListParams{Limit: 2, After: &c, Now: now})
	require.NoError(t, err)
	require.Equal(t, 36, next.Total)
	require.Equal(t, top[3:5], []string{next.Items[0].Key, next.Items[1].Key})
}
