package queue_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

func TestList(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, nil)
	for i := range 12 {
		_, err := q.Enqueue(ctx, queue.Entry{Key: fmt.Sprintf("k%02d", i), Channel: "x", Team: []string{"care", "legal"}[i%2],
			Score: float64(i), Deadline: clk.Now().Add(time.Duration(12-i) * time.Minute)})
		require.NoError(t, err)
	}
	l, err := q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	require.Equal(t, "k11", l.Key())

	var keys []string
	o := queue.ListOptions{Limit: 4}
	for pages := 0; ; pages++ {
		p, err := q.List(ctx, o)
		require.NoError(t, err)
		require.Equal(t, 11, p.Total)
		require.True(t, p.At.Equal(clk.Now()))
		for _, it := range p.Items {
			keys = append(keys, it.Key)
		}
		if p.Next == "" {
			require.Equal(t, 2, pages)
			break
		}
		o.Cursor = p.Next
	}
	require.Equal(t, []string{"k10", "k09", "k08", "k07", "k06", "k05", "k04", "k03", "k02", "k01", "k00"}, keys, "claim order, the claimed item left out")

	p, err := q.List(ctx, queue.ListOptions{Teams: []string{"legal"}, Order: queue.ByDeadline, Limit: 2})
	require.NoError(t, err)
	require.Equal(t, 5, p.Total)
	require.Equal(t, "k09", p.Items[0].Key, "the soonest deadline first")
	_, err = q.List(ctx, queue.ListOptions{Order: queue.ByRank, Cursor: p.Next})
	require.ErrorIs(t, err, queue.ErrInvalid, "a cursor made for another order")

	for _, bad := range []queue.ListOptions{{Limit: -1}, {Limit: queue.MaxListLimit + 1}, {Order: 9}, {Cursor: "%%"}, {Cursor: "YWJj"}} {
		_, err := q.List(ctx, bad)
		require.ErrorIs(t, err, queue.ErrInvalid, "%+v", bad)
	}

	plain, err := queue.New(plainStore{memqueue.New()}, nil)
	require.NoError(t, err)
	_, err = plain.List(ctx, queue.ListOptions{})
	require.True(t, errors.Is(err, errors.ErrUnsupported), "a store that cannot list: %v", err)
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []queuedriver.ListCursor{
		{Rank: -1234.5678, EnqueuedAt: time.Date(2026, 11, 22, 9, 0, 0, 123456789, time.UTC), Key: "x:skyways:t|1"},
		{Rank: 0, EnqueuedAt: time.Unix(0, 1).UTC(), Deadline: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), Key: ""},
		{Rank: math.MaxFloat64, EnqueuedAt: time.Unix(-5, 0).UTC(), Deadline: time.Unix(-1, 0).UTC(), Key: "é|é"},
	} {
		for _, o := range []queue.Order{queue.ByRank, queue.ByDeadline} {
			got, ord, err := queue.ParseCursor(queue.FormatCursor(o, &c))
			require.NoError(t, err)
			require.Equal(t, o, ord)
			require.Equal(t, c.Key, got.Key)
			require.Equal(t, c.Rank, got.Rank)
			require.True(t, c.EnqueuedAt.Equal(got.EnqueuedAt))
			require.True(t, c.Deadline.Equal(got.Deadline))
		}
	}
}

// FuzzParseCursor: a cursor comes from a URL, so any string is either
// refused with ErrInvalid or read into a cursor that formats back to a
// cursor that reads the same.
func FuzzParseCursor(f *testing.F) {
	c := queuedriver.ListCursor{Rank: 3.5, EnqueuedAt: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), Key: "x:a:1"}
	f.Add(queue.FormatCursor(queue.ByRank, &c))
	c.Deadline = c.EnqueuedAt.Add(time.Hour)
	f.Add(queue.FormatCursor(queue.ByDeadline, &c))
	f.Add("")
	f.Add("YzF8MHwwfDB8LXw")
	f.Fuzz(func(t *testing.T, s string) {
		got, o, err := queue.ParseCursor(s)
		if err != nil {
			require.ErrorIs(t, err, queue.ErrInvalid)
			return
		}
		again, o2, err := queue.ParseCursor(queue.FormatCursor(o, &got))
		require.NoError(t, err)
		require.Equal(t, o, o2)
		require.Equal(t, got.Key, again.Key)
		require.Equal(t, math.Float64bits(got.Rank), math.Float64bits(again.Rank))
		require.True(t, got.EnqueuedAt.Equal(again.EnqueuedAt))
		require.True(t, got.Deadline.Equal(again.Deadline))
	})
}
