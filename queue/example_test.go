package queue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// An airline desk: the stranded passenger goes before the price question,
// a heartbeat keeps the claim, and the lease's context ends with the claim.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	q, err := queue.New(memqueue.New(), &queue.Config{
		Now: func() time.Time { return now },
		OnEvent: func(ev queue.Event) {
			fmt.Println("event:", ev.Kind, ev.Key, ev.Agent)
			if ev.Reason != "" {
				fmt.Println("  reason:", ev.Reason, "from:", ev.From)
			}
		},
	})
	if err != nil {
		panic(err)
	}
	_ = q.SetAgent(ctx, queue.Agent{ID: "ann", Capacity: 2, Online: true})
	_ = q.SetAgent(ctx, queue.Agent{ID: "sup", Online: true})
	_, _ = q.Enqueue(ctx, queue.Entry{Key: "x:price", Channel: "x", Score: 10})
	_, _ = q.Enqueue(ctx, queue.Entry{Key: "x:stranded-ohare", Channel: "x", Score: 80, Deadline: now.Add(30 * time.Minute)})

	l, err := q.TryClaim(ctx, "ann", queue.Filter{Channels: []string{"x"}})
	if err != nil {
		panic(err)
	}
	fmt.Println("ann answers", l.Key())
	now = now.Add(4 * time.Minute)
	_ = l.Extend(ctx) // heartbeat
	fmt.Println("lease until", l.ExpiresAt().Format("15:04"))

	s, _ := q.Steal(ctx, "x:stranded-ohare", "sup", "VIP escalation")
	fmt.Println("ann's work context:", context.Cause(l.Context()))
	_ = s.Complete(ctx)

	wait, _ := q.ExpectedWait(ctx, queue.Filter{Channels: []string{"x"}})
	fmt.Println("expected wait on x:", wait)
	// Output:
	// event: claim x:stranded-ohare ann
	// ann answers x:stranded-ohare
	// lease until 09:09
	// event: steal x:stranded-ohare sup
	//   reason: VIP escalation from: ann
	// ann's work context: queue: lease lost
	// event: complete x:stranded-ohare sup
	// expected wait on x: 30m0s
}

// An agent who signs out keeps their conversations for the grace period
// (two minutes by default); Maintain then puts them back in the queue.
func ExampleQueue_Maintain() {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	q, _ := queue.New(memqueue.New(), &queue.Config{Now: func() time.Time { return now }})
	_ = q.SetAgent(ctx, queue.Agent{ID: "ann", Online: true})
	_, _ = q.Enqueue(ctx, queue.Entry{Key: "fb:42", Channel: "facebook", Score: 5})
	l, _ := q.TryClaim(ctx, "ann", queue.Filter{})

	_ = q.SetAgent(ctx, queue.Agent{ID: "ann", Online: false})
	now = now.Add(time.Minute)
	_ = q.Maintain(ctx)
	it, _ := q.Get(ctx, "fb:42")
	fmt.Println(it.State, it.Holder)

	now = now.Add(time.Minute)
	_ = q.Maintain(ctx)
	it, _ = q.Get(ctx, "fb:42")
	fmt.Println(it.State, it.LastAgent, l.Context().Err() != nil)
	// Output:
	// claimed ann
	// waiting ann true
}
