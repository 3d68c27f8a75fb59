package queue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// A desk re-routes a waiting conversation to billing without a new
// customer message: the item keeps its place in time and its count, and
// only billing agents may take it now.
func ExampleQueue_Update() {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	q, _ := queue.New(memqueue.New(), &queue.Config{Now: func() time.Time { return now }})
	_ = q.SetAgent(ctx, queue.Agent{ID: "ann", Online: true})
	// The desk counts the unanswered messages itself: enqueueing the same
	// state twice records the same count.
	_, _ = q.Enqueue(ctx, queue.Entry{Key: "x:7", Channel: "x", Team: "care", Score: 10, Unanswered: 2})
	it, _ := q.Enqueue(ctx, queue.Entry{Key: "x:7", Channel: "x", Team: "care", Score: 10, Unanswered: 2})
	fmt.Println(it.Team, it.Unanswered, it.Version)

	now = now.Add(time.Minute)
	it, _ = q.Update(ctx, queue.Entry{Key: "x:7", Channel: "x", Team: "billing", Score: 10})
	fmt.Println(it.Team, it.Unanswered, it.Version, it.EnqueuedAt.Format("15:04"), it.UpdatedAt.Format("15:04"))

	_, err := q.TryClaim(ctx, "ann", queue.Filter{Teams: []string{"care"}})
	fmt.Println(err)
	l, _ := q.TryClaim(ctx, "ann", queue.Filter{Teams: []string{"billing"}})
	fmt.Println(l.Key(), q.Now().Format("15:04"))
	// Output:
	// care 2 2
	// billing 2 2 09:00 09:01
	// queue: claim for "ann": queue: no item available
	// x:7 09:01
}
