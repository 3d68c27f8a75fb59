package queue_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

func TestNow(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, nil)
	require.True(t, q.Now().Equal(clk.Now()))
	clk.Add(time.Hour)
	require.True(t, q.Now().Equal(clk.Now()), "Now follows Config.Now")
	def, err := queue.New(memqueue.New(), nil)
	require.NoError(t, err)
	before := time.Now()
	got := def.Now()
	require.False(t, got.Before(before), "the default clock is time.Now")
	require.WithinDuration(t, time.Now(), got, time.Minute)
}

func TestEnqueueUnanswered(t *testing.T) {
	t.Parallel()
	q, _, _ := newQueue(t, nil)
	it, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1, Unanswered: 4})
	require.NoError(t, err)
	require.Equal(t, 4, it.Unanswered)
	again, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1, Unanswered: 4})
	require.NoError(t, err)
	require.Equal(t, 4, again.Unanswered, "the same state enqueued twice records the same count")
	require.Greater(t, again.Version, it.Version)
	counted, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
	require.NoError(t, err)
	require.Equal(t, 5, counted.Unanswered)
	_, err = q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1, Unanswered: -1})
	require.ErrorIs(t, err, queue.ErrInvalid)
	got, err := q.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, counted.Version, got.Version, "an invalid Enqueue changes nothing")
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, nil)
	first, err := q.Enqueue(ctx, queue.Entry{Key: "k", Channel: "x", Team: "care", Score: 1})
	require.NoError(t, err)
	clk.Add(time.Minute)
	got, err := q.Update(ctx, queue.Entry{Key: "k", Channel: "x", Team: "billing", Score: 9, Unanswered: 7})
	require.NoError(t, err)
	require.Equal(t, "billing", got.Team)
	require.Equal(t, queue.Waiting, got.State)
	require.Equal(t, 1, got.Unanswered, "Update ignores Unanswered")
	require.Equal(t, first.Version, got.Version)
	require.True(t, got.UpdatedAt.Equal(clk.Now()))
	require.Equal(t, queuedriver.Rank(queue.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}, 9, time.Time{}, first.EnqueuedAt), got.Rank)

	for _, e := range []queue.Entry{{Key: "", Score: 1}, {Key: "k", Score: math.NaN()}, {Key: "k", Score: math.Inf(-1)}} {
		_, err := q.Update(ctx, e)
		require.ErrorIs(t, err, queue.ErrInvalid)
	}
	_, err = q.Update(ctx, queue.Entry{Key: "missing", Score: 1})
	require.ErrorIs(t, err, queue.ErrNotFound)
	after, err := q.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, got, after, "failed Updates change nothing")
}

func TestUpdateWakesClaimers(t *testing.T) {
	t.Parallel()
	q, _, _ := newQueue(t, &queue.Config{PollInterval: time.Hour})
	_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Team: "care", Score: 1})
	require.NoError(t, err)
	got := make(chan *queue.Lease, 1)
	go func() {
		l, err := q.Claim(ctx, "ann", queue.Filter{Teams: []string{"billing"}})
		if err == nil {
			got <- l
		}
		close(got)
	}()
	time.Sleep(10 * time.Millisecond)
	_, err = q.Update(ctx, queue.Entry{Key: "k", Team: "billing", Score: 1})
	require.NoError(t, err)
	select {
	case l := <-got:
		require.NotNil(t, l)
		require.Equal(t, "k", l.Key())
		require.Equal(t, "billing", l.Item().Team)
	case <-time.After(5 * time.Second):
		t.Fatal("Claim was not woken by Update")
	}
}

// plainStore hides a store's optional features.
type plainStore struct{ queuedriver.Store }

func TestUpdateUnsupported(t *testing.T) {
	t.Parallel()
	q, err := queue.New(plainStore{memqueue.New()}, nil)
	require.NoError(t, err)
	_, err = q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
	require.NoError(t, err)
	_, err = q.Update(ctx, queue.Entry{Key: "k", Team: "billing", Score: 1})
	require.ErrorIs(t, err, errors.ErrUnsupported)
	_, err = q.Update(ctx, queue.Entry{Key: "", Score: 1})
	require.ErrorIs(t, err, queue.ErrInvalid, "validation comes first")
}
