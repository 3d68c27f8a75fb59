package memqueue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Done items stay until PurgeDone deletes those completed before a cutoff;
// queue.Queue's Maintain does it after Config.DoneRetention.
func ExampleStore_PurgeDone() {
	ctx := context.Background()
	s := memqueue.New()
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	_ = s.PutAgent(ctx, queuedriver.Agent{ID: "ann", Online: true})
	_, _ = s.Upsert(ctx, queuedriver.UpsertParams{Key: "a", Score: 5, Weights: w, Now: t0})
	c, _ := s.Claim(ctx, queuedriver.ClaimParams{Agent: "ann", LeaseID: "L1", ExpiresAt: t0.Add(time.Hour), Now: t0})
	_, _ = s.Complete(ctx, queuedriver.LeaseRef{Key: c.Key, LeaseID: "L1", Now: t0.Add(time.Minute)})

	n, _ := s.PurgeDone(ctx, t0.Add(time.Minute), 1000) // completed at the cutoff: kept
	fmt.Println("purged", n)
	n, _ = s.PurgeDone(ctx, t0.Add(24*time.Hour), 1000)
	fmt.Println("purged", n)
	_, err := s.Get(ctx, "a")
	fmt.Println(err)
	it, _ := s.Upsert(ctx, queuedriver.UpsertParams{Key: "a", Score: 5, Weights: w, Now: t0.Add(25 * time.Hour)})
	fmt.Println(it.Version, it.Claims, it.LastAgent == "")
	// Output:
	// purged 0
	// purged 1
	// queue: item not found
	// 1 0 true
}
