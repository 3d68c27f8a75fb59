package pgcare_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
)

// BenchmarkDeskPostgres measures whole conversations per second through
// desks on one PostgreSQL — ingest (one transaction: dedup key,
// conversation, queue item), claim, a guarded reply recorded before it
// goes to a fake channel, then recorded as sent with the resolution and
// the item's completion (ReplyOptions.Resolve, one transaction) — with 1,
// 2 and 4 desks in this process, each with its own pool and one agent,
// beside pgqueue's claim+complete alone (items enqueued before the timer)
// with as many workers, in the same run. Compare conv/s with benchstat.
//
// Each desk's worker loops like the baseline's: it ingests one
// conversation, then takes one (TryNext) and answers it; when another
// desk took the conversation first (queue.ErrNoItem), it goes on with the
// next one. What is left when every conversation has been ingested is
// drained inside the timer, so every conversation is ingested, claimed,
// answered and resolved, and none pays for an empty TryNext but the
// drain's last.
func BenchmarkDeskPostgres(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("desks=%d", n), func(b *testing.B) { benchDesks(b, n) })
		b.Run(fmt.Sprintf("baseline=pgqueue/workers=%d", n), func(b *testing.B) { benchBareQueue(b, n) })
	}
}

func benchDesks(b *testing.B, n int) {
	schema := sharedSchema(b)
	clk := caretest.NewClock(time.Now())
	rec := &recorder{}
	cfg := care.Config{DefaultSignature: " ^{initials}", Acknowledgement: care.AckConfig{Disabled: true}}
	desks := make([]*pgDesk, n)
	for i := range desks {
		desks[i] = newPGDesk(b, schema, fmt.Sprint("desk-", i), clk, rec, cfg, nil)
		if err := desks[i].AddAgent(ctx, care.Agent{ID: fmt.Sprint("agent-", i), Name: "Ana Souza"}); err != nil {
			b.Fatal(err)
		}
	}
	var next, answered atomic.Int64
	var wg sync.WaitGroup
	// answer takes one conversation and replies to it; false when there
	// was none or it failed.
	answer := func(d *pgDesk, agent string) bool {
		a, err := d.TryNext(ctx, agent, queue.Filter{})
		if errors.Is(err, queue.ErrNoItem) {
			return false // another desk took it
		}
		if err != nil {
			b.Error(err)
			return false
		}
		// Send and resolve: the reply's record and the resolution are one
		// transaction with the item's completion.
		if _, err := d.ReplyWith(ctx, a, "So sorry! Rebooked you on the 14:05.", care.ReplyOptions{Resolve: true}); err != nil {
			b.Error(err)
			return false
		}
		answered.Add(1)
		return true
	}
	b.ResetTimer()
	start := time.Now()
	for w, d := range desks {
		agent := fmt.Sprint("agent-", w)
		wg.Go(func() {
			for !b.Failed() {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if _, err := d.Ingest(ctx, tweet(int(i))); err != nil {
					b.Error(err)
					return
				}
				answer(d, agent)
			}
		})
	}
	wg.Wait()
	for !b.Failed() && answer(desks[0], "agent-0") { // what the others took from under a worker
	}
	elapsed := time.Since(start)
	if n := answered.Load(); !b.Failed() && n != int64(b.N) {
		b.Fatalf("answered %d of %d conversations", n, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "conv/s")
}

func benchBareQueue(b *testing.B, n int) {
	schema := sharedSchema(b)
	clk := caretest.NewClock(time.Now())
	qs := make([]*queue.Queue, n)
	for i := range qs {
		s, err := pgqueue.New(testPool(b), &pgqueue.Config{Schema: schema})
		if err != nil {
			b.Fatal(err)
		}
		if qs[i], err = queue.New(s, &queue.Config{Now: clk.Now}); err != nil {
			b.Fatal(err)
		}
		if err := qs[i].SetAgent(ctx, queue.Agent{ID: fmt.Sprint("agent-", i), Online: true, Capacity: 1 << 20}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range b.N {
		if _, err := qs[0].Enqueue(ctx, queue.Entry{Key: fmt.Sprint("x:brand:c", i), Channel: "x", Score: 10}); err != nil {
			b.Fatal(err)
		}
	}
	var done atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w, q := range qs {
		agent := fmt.Sprint("agent-", w)
		wg.Go(func() {
			for done.Load() < int64(b.N) {
				l, err := q.TryClaim(ctx, agent, queue.Filter{})
				if errors.Is(err, queue.ErrNoItem) {
					continue
				}
				if err != nil {
					b.Error(err)
					return
				}
				if err := l.Complete(ctx); err != nil {
					b.Error(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conv/s")
}
