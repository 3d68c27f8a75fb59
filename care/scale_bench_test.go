package care_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// serveAll ingests, claims, answers and resolves n conversations, one per
// step of the virtual clock.
func serveAll(b *testing.B, d *caretest.Desk, from, n int, step time.Duration) {
	b.Helper()
	for i := from; i < from+n; i++ {
		m := xmsg(fmt.Sprint("m", i), fmt.Sprint("c", i), "where is my bag?")
		m.Account = "brand"
		if _, err := d.Ingest(ctx, m); err != nil {
			b.Fatal(err)
		}
		a, err := d.TryNext(ctx, "ana", queue.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Reply(ctx, a, "It's on the 14:05."); err != nil {
			b.Fatal(err)
		}
		if err := d.Resolve(ctx, a); err != nil {
			b.Fatal(err)
		}
		d.Clock.Advance(step)
	}
}

// BenchmarkTick measures a Tick with nothing due on a desk that has served
// history resolved conversations: its cost must not grow with history.
func BenchmarkTick(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("history=1e%d", len(fmt.Sprint(n))-1), func(b *testing.B) {
			d := caretest.NewDesk(b, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
			if err := d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}); err != nil {
				b.Fatal(err)
			}
			serveAll(b, d, 0, n, time.Millisecond)
			if err := d.Tick(ctx); err != nil { // publishes the wait times: not due again for 5 minutes
				b.Fatal(err)
			}
			runtime.GC()
			for b.Loop() {
				if err := d.Tick(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRetainedHeap measures what the desk keeps, on MemStore and
// memqueue with the default retention: the live heap per open conversation
// (10,000 ingested and waiting), per conversation retained after it was
// resolved (1,000,000 ingested, answered and resolved over twelve virtual
// days: resolved conversations are kept 7 days, their dedup keys 48 hours,
// SLA measurements 7 days, the queue's done items 24 hours), and what is
// left of them once every retention has passed. It runs once, whatever
// b.N: run it with -benchtime=1x.
func BenchmarkRetainedHeap(b *testing.B) {
	const total, open = 1_000_000, 10_000
	for b.Loop() {
		// A bare desk: caretest's desk records every event, which would
		// be most of the heap here.
		store := care.NewMemStore()
		d := bareDesk(b, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true}}, 100)
		if err := d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}); err != nil {
			b.Fatal(err)
		}
		purgeAll := func() {
			for range 8 * 24 * 6 {
				d.Clock.Advance(10 * time.Minute)
				if err := d.Tick(ctx); err != nil {
					b.Fatal(err)
				}
				if err := d.Queue.Maintain(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		h0 := liveHeap()
		for i := range open {
			m := xmsg(fmt.Sprint("o", i), fmt.Sprint("o", i), "where is my bag?")
			m.Account = "brand"
			if _, err := d.Ingest(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		h1 := liveHeap()
		step := 12 * 24 * time.Hour / total
		for done := 0; done < total; done += 10_000 {
			serveAll(b, d, open+done, 10_000, step)
			if err := d.Tick(ctx); err != nil { // purges on its schedule
				b.Fatal(err)
			}
			if err := d.Queue.Maintain(ctx); err != nil {
				b.Fatal(err)
			}
		}
		retained, _ := store.Len()
		retained -= open
		h2 := liveHeap()
		purgeAll() // past every retention: only the open conversations are left
		left, seen := store.Len()
		if left != open || seen != 0 {
			b.Fatalf("after retention: %d conversations and %d dedup keys, want %d and 0", left, seen, open)
		}
		h3 := liveHeap()
		b.ReportMetric(float64(h1-h0)/float64(open), "B/open")
		b.ReportMetric(float64(retained), "retained")
		b.ReportMetric(float64(h2-h3)/float64(retained), "B/retained")
		b.ReportMetric(float64(h3-h1)/float64(total), "B/leftover-per-served")
		runtime.KeepAlive(d)
	}
}

// bareDesk is a desk on memqueue and an in-memory X channel for the
// "brand" account that keeps only its last keepSent sends, on a virtual
// clock, without caretest's record of every event.
func bareDesk(tb testing.TB, cfg *care.Config, keepSent int) *caretest.Desk {
	tb.Helper()
	clk := caretest.NewClock(caretest.Start)
	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now})
	if err != nil {
		tb.Fatal(err)
	}
	desk, err := care.New(q, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	x, err := memchannel.New(channel.X, &memchannel.Config{Account: "brand", Now: clk.Now, KeepSent: keepSent})
	if err != nil {
		tb.Fatal(err)
	}
	xc, err := channel.New(x)
	if err != nil {
		tb.Fatal(err)
	}
	if err := desk.AddChannel(xc); err != nil {
		tb.Fatal(err)
	}
	return &caretest.Desk{Desk: desk, Clock: clk, Queue: q}
}

func liveHeap() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

var _ = context.Background
