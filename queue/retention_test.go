package queue_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// completeN enqueues, claims and completes n items at the clock's now.
func completeN(t *testing.T, q *queue.Queue, prefix string, n int) {
	t.Helper()
	for i := range n {
		_, err := q.Enqueue(ctx, queue.Entry{Key: fmt.Sprint(prefix, i), Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		require.NoError(t, l.Complete(ctx))
	}
}

func TestMaintainPurgesDoneItems(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, nil)
	completeN(t, q, "old", 1500)
	clk.Add(12 * time.Hour)
	completeN(t, q, "young", 10)
	_, err := q.Enqueue(ctx, queue.Entry{Key: "waiting", Score: 1})
	require.NoError(t, err)
	require.NoError(t, q.Maintain(ctx))
	_, err = q.Get(ctx, "old0")
	require.NoError(t, err, "kept for 24 hours by default")

	clk.Add(12*time.Hour + time.Second)
	require.NoError(t, q.Maintain(ctx))
	gone := 0
	for i := range 1500 {
		if _, err := q.Get(ctx, fmt.Sprint("old", i)); err != nil {
			require.ErrorIs(t, err, queue.ErrNotFound)
			gone++
		}
	}
	require.Equal(t, 1000, gone, "one Maintain purges at most 1000")
	require.NoError(t, q.Maintain(ctx))
	for i := range 1500 {
		_, err := q.Get(ctx, fmt.Sprint("old", i))
		require.ErrorIs(t, err, queue.ErrNotFound)
	}
	for _, k := range []string{"young0", "young9", "waiting"} {
		_, err := q.Get(ctx, k)
		require.NoError(t, err, k)
	}
	// A purged conversation starts over.
	it, err := q.Enqueue(ctx, queue.Entry{Key: "old0", Score: 1})
	require.NoError(t, err)
	require.Equal(t, int64(1), it.Version)
	require.Equal(t, 0, it.Claims)
}

func TestDoneRetention(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		retention time.Duration
		after     time.Duration
		kept      bool
	}{
		{"custom kept", time.Hour, 59 * time.Minute, true},
		{"custom purged", time.Hour, 61 * time.Minute, false},
		{"negative keeps forever", -1, 365 * 24 * time.Hour, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q, clk, _ := newQueue(t, &queue.Config{DoneRetention: c.retention})
			completeN(t, q, "k", 1)
			clk.Add(c.after)
			require.NoError(t, q.Maintain(ctx))
			_, err := q.Get(ctx, "k0")
			if c.kept {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, queue.ErrNotFound)
			}
		})
	}
}

func TestMaintainWithoutPurger(t *testing.T) {
	t.Parallel()
	clk := newClock()
	q, err := queue.New(plainStore{memqueue.New()}, &queue.Config{Now: clk.Now})
	require.NoError(t, err)
	require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "ann", Online: true}))
	completeN(t, q, "k", 1)
	clk.Add(48 * time.Hour)
	require.NoError(t, q.Maintain(ctx), "a store that cannot purge keeps its Done items")
	_, err = q.Get(ctx, "k0")
	require.NoError(t, err)
}
