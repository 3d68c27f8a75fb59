package pgqueue_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
)

// TestBlockedClaimWakesOnAnotherInstancesEnqueue runs two queue.Queues on
// two Stores sharing one schema, as two desk processes would: a Claim
// blocked in the first returns soon after the second enqueues, long before
// its poll interval, because queue.Queue listens to pgqueue's Notify.
func TestBlockedClaimWakesOnAnotherInstancesEnqueue(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, &pgqueue.Config{ListenRetry: 50 * time.Millisecond})
	other, err := pgqueue.New(pool, &pgqueue.Config{Schema: s.Schema()})
	require.NoError(t, err)
	t.Cleanup(other.Close)
	const poll = time.Hour // a woken claim cannot be the poll's doing
	qa, err := queue.New(s, &queue.Config{PollInterval: poll})
	require.NoError(t, err)
	qb, err := queue.New(other, &queue.Config{PollInterval: poll})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, qa.SetAgent(ctx, queue.Agent{ID: "ana", Online: true}))

	got := make(chan *queue.Lease, 1)
	errc := make(chan error, 1)
	go func() {
		l, err := qa.Claim(ctx, "ana", queue.Filter{})
		if err != nil {
			errc <- err
			return
		}
		got <- l
	}()
	// Let the claim find the queue empty and block.
	time.Sleep(300 * time.Millisecond)
	select {
	case l := <-got:
		t.Fatalf("claimed %q from an empty queue", l.Key())
	default:
	}
	// The listener connects in the background; the first notification may
	// go out before it listens, so enqueue again (a new conversation each
	// time) until the claim returns.
	start := time.Now()
	for i := 0; ; i++ {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the blocked claim was not woken within 10s of the other instance's enqueues")
		}
		_, err := qb.Enqueue(ctx, queue.Entry{Key: "conv-" + string(rune('a'+i%26)), Channel: "x", Score: 10})
		require.NoError(t, err)
		select {
		case l := <-got:
			require.Equal(t, "ana", l.Item().Holder)
			require.NoError(t, l.Complete(ctx))
			return
		case err := <-errc:
			t.Fatalf("blocked claim failed: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
