package queue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// A lead's screen lists the waiting conversations a page at a time, in the
// order agents will get them, or by SLA deadline.
func ExampleQueue_List() {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	q, _ := queue.New(memqueue.New(), &queue.Config{Now: func() time.Time { return now }})
	for i, score := range []float64{20, 90, 50} {
		_, _ = q.Enqueue(ctx, queue.Entry{Key: fmt.Sprintf("x:%d", i), Channel: "x", Team: "care", Score: score,
			Deadline: now.Add(time.Duration(10*(i+1)) * time.Minute)})
	}
	p, _ := q.List(ctx, queue.ListOptions{Limit: 2})
	fmt.Println(p.Total, p.Items[0].Key, p.Items[1].Key)
	p, _ = q.List(ctx, queue.ListOptions{Limit: 2, Cursor: p.Next})
	fmt.Println(p.Items[0].Key, p.Next == "")
	p, _ = q.List(ctx, queue.ListOptions{Order: queue.ByDeadline})
	fmt.Println(p.Items[0].Key, p.Items[0].Deadline.Format("15:04"))
	// Output:
	// 3 x:1 x:2
	// x:0 true
	// x:0 09:10
}
