package caredrivertest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
)

// testMark: a key is marked once until it expires, by one of many callers.
func testMark(t *testing.T, s care.Store) {
	k := care.SeenKey{Key: "once/x:b:1/sla/1", Expires: t0.Add(time.Hour)}
	ok, err := s.Mark(ctx, k, t0)
	require.NoError(t, err)
	require.True(t, ok, "the first Mark of a key marks it")
	ok, err = s.Mark(ctx, k, t0.Add(time.Minute))
	require.NoError(t, err)
	require.False(t, ok, "a marked, unexpired key is not marked again")
	ok, err = s.Mark(ctx, care.SeenKey{Key: k.Key, Expires: t0.Add(3 * time.Hour)}, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.True(t, ok, "an expired mark is marked afresh")
	_, err = s.Mark(ctx, care.SeenKey{}, t0)
	require.ErrorIs(t, err, care.ErrInvalid, "an empty key")

	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range writers {
		wg.Go(func() {
			ok, err := s.Mark(ctx, care.SeenKey{Key: "once/race", Expires: t0.Add(time.Hour)}, t0)
			if err == nil && ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Equal(t, 1, wins, "of %d concurrent Marks of one key, exactly one marks it", writers)
}

// changesFrom reads the feed from cursor until it reports every key of
// want at its version or later (a store's feed may hold back saves while
// older transactions run, as PostgreSQL's does), and returns what it read
// and the next cursor.
func changesFrom(t *testing.T, s care.Store, cursor int64, limit int, want map[string]int64) (map[string]care.Change, int64) {
	t.Helper()
	got := map[string]care.Change{}
	deadline := time.Now().Add(10 * time.Second)
	for {
		chs, next, err := s.Changes(ctx, cursor, limit)
		require.NoError(t, err)
		require.GreaterOrEqual(t, next, cursor, "the cursor never goes back")
		for _, ch := range chs {
			if old, ok := got[ch.Key]; !ok || ch.Version >= old.Version {
				got[ch.Key] = ch
			}
		}
		cursor = next
		if len(chs) == limit {
			continue
		}
		missing := ""
		for k, v := range want {
			if got[k].Version < v {
				missing = k
				break
			}
		}
		if missing == "" {
			return got, cursor
		}
		if time.Now().After(deadline) {
			t.Fatalf("limit %d: the save of %s (version %d) was never reported; got %+v", limit, missing, want[missing], got[missing])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testChanges: every save after Cursor is reported, with its latest
// version, openness, through pages of any size; nothing is lost.
func testChanges(t *testing.T, s care.Store) {
	before := open("x:b:before", t0)
	save(t, s, &before, t0)
	cur, err := s.Cursor(ctx)
	require.NoError(t, err)
	var want []care.Conversation
	for i := range 25 {
		c := open(fmt.Sprintf("x:b:feed-%02d", i), t0)
		save(t, s, &c, t0)
		if i%3 == 0 { // saved again: one change with the newer version
			c.Team = "again"
			save(t, s, &c, t0)
		}
		if i%5 == 0 {
			r := c.Clone()
			r.ResolvedAt, r.Since = t0.Add(time.Minute), time.Time{}
			save(t, s, &r, t0)
			c = r
		}
		want = append(want, c)
	}
	wantV := map[string]int64{}
	for _, c := range want {
		wantV[c.Key] = c.Version
	}
	for _, limit := range []int{1, 7, 100} {
		got, next := changesFrom(t, s, cur, limit, wantV)
		for _, c := range want {
			ch, ok := got[c.Key]
			require.True(t, ok, "limit %d: the save of %s after Cursor was not reported", limit, c.Key)
			require.Equal(t, c.Version, ch.Version, "limit %d: %s", limit, c.Key)
			require.Equal(t, c.Open(), ch.Open, "limit %d: %s", limit, c.Key)
		}
		// Read to the end: a later save is reported from the returned cursor.
		more := open(fmt.Sprintf("x:b:later-%d", limit), t0)
		save(t, s, &more, t0)
		got, _ = changesFrom(t, s, next, limit, map[string]int64{more.Key: more.Version})
		require.Contains(t, got, more.Key, "limit %d: a save after the feed's end is reported from its cursor", limit)
	}
	_, _, err = s.Changes(ctx, cur, 0)
	require.ErrorIs(t, err, care.ErrInvalid, "a limit of 0")
}

// testConcurrentChanges: saves by many writers while a reader follows the
// feed; the reader sees the final version of every conversation.
func testConcurrentChanges(t *testing.T, s care.Store) {
	cur, err := s.Cursor(ctx)
	require.NoError(t, err)
	final := make([]int64, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			c := open(fmt.Sprintf("x:b:cc-%d", w), t0)
			for i := range 10 {
				c.Team = fmt.Sprint(i)
				if err := s.SaveConversation(ctx, &c, nil, t0); err != nil {
					t.Error(err)
					return
				}
			}
			final[w] = c.Version
		})
	}
	seenV := map[string]int64{}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		chs, next, err := s.Changes(ctx, cur, 5)
		require.NoError(t, err)
		for _, ch := range chs {
			seenV[ch.Key] = max(seenV[ch.Key], ch.Version)
		}
		cur = next
	}
	wantV := map[string]int64{}
	for w := range writers {
		if k := fmt.Sprintf("x:b:cc-%d", w); seenV[k] < final[w] {
			wantV[k] = final[w] // not read yet: it must come
		}
	}
	got, _ := changesFrom(t, s, cur, 5, wantV)
	for k, ch := range got {
		seenV[k] = max(seenV[k], ch.Version)
	}
	for w := range writers {
		require.Equal(t, final[w], seenV[fmt.Sprintf("x:b:cc-%d", w)], "writer %d's last save", w)
	}
}

// testLead: one holder at a time; the holder renews; another takes an
// expired lease.
func testLead(t *testing.T, s care.Store) {
	lead := func(holder string, at time.Time) bool {
		t.Helper()
		ok, err := s.Lead(ctx, "scheduler", holder, at, time.Minute)
		require.NoError(t, err)
		return ok
	}
	require.True(t, lead("a", t0), "a free lease is taken")
	require.False(t, lead("b", t0.Add(30*time.Second)), "a running lease is not taken by another")
	require.True(t, lead("a", t0.Add(50*time.Second)), "the holder renews")
	require.False(t, lead("b", t0.Add(100*time.Second)), "the renewal runs to 110 s")
	require.True(t, lead("b", t0.Add(111*time.Second)), "an expired lease is taken")
	require.False(t, lead("a", t0.Add(112*time.Second)), "the old holder lost it")
	ok, err := s.Lead(ctx, "other", "a", t0, time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "leases are named")
	_, err = s.Lead(ctx, "", "a", t0, time.Minute)
	require.ErrorIs(t, err, care.ErrInvalid)
	_, err = s.Lead(ctx, "x", "a", t0, 0)
	require.ErrorIs(t, err, care.ErrInvalid)

	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for w := range writers {
		wg.Go(func() {
			ok, err := s.Lead(ctx, "race", fmt.Sprint("h", w), t0, time.Minute)
			if err == nil && ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Equal(t, 1, wins, "of %d holders racing for a free lease, exactly one gets it", writers)
}
