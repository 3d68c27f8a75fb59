package memqueue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// The store used directly, as a driver: one item per key, served by rank,
// held under a lease until it expires.
func Example() {
	ctx := context.Background()
	s := memqueue.New()
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	_ = s.PutAgent(ctx, queuedriver.Agent{ID: "ann", Online: true})
	_ = s.PutAgent(ctx, queuedriver.Agent{ID: "bob", Online: true})
	_, _ = s.Upsert(ctx, queuedriver.UpsertParams{Key: "a", Score: 5, Weights: w, Now: t0})
	_, _ = s.Upsert(ctx, queuedriver.UpsertParams{Key: "b", Score: 50, Weights: w, Now: t0})
	it, _ := s.Upsert(ctx, queuedriver.UpsertParams{Key: "a", Score: 7, Weights: w, Now: t0.Add(time.Minute)})
	fmt.Println(it.Key, it.Unanswered, it.State)

	c, _ := s.Claim(ctx, queuedriver.ClaimParams{Agent: "ann", LeaseID: "L1", ExpiresAt: t0.Add(5 * time.Minute), Now: t0.Add(time.Minute)})
	fmt.Println("ann has", c.Key)
	n, _ := s.Count(ctx, queuedriver.Filter{}, t0.Add(time.Minute))
	fmt.Println("waiting:", n)

	// After the lease expires, bob may take it and ann's lease is lost.
	c2, _ := s.Claim(ctx, queuedriver.ClaimParams{Agent: "bob", LeaseID: "L2", ExpiresAt: t0.Add(time.Hour), Now: t0.Add(5 * time.Minute)})
	fmt.Println("bob has", c2.Key, "after", c2.LastAgent)
	_, err := s.Complete(ctx, queuedriver.LeaseRef{Key: "b", LeaseID: "L1", Now: t0.Add(6 * time.Minute)})
	fmt.Println(err)
	// Output:
	// a 2 waiting
	// ann has b
	// waiting: 1
	// bob has b after ann
	// queue: lease lost
}
