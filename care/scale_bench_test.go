package care_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/queue"
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

// BenchmarkRetainedHeap serves 1,000,000 conversations over twelve virtual
// days with the default retention (resolved conversations kept 7 days,
// dedup keys 48 hours) and 10,000 left open, and reports the live heap per
// open and per retained conversation. It runs once, whatever b.N; run it
// with -benchtime=1x.
func BenchmarkRetainedHeap(b *testing.B) {
	const total, open = 1_000_000, 10_000
	for b.Loop() {
		store := care.NewMemStore()
		d := caretest.NewDesk(b, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true}})
		if err := d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}); err != nil {
			b.Fatal(err)
		}
		h0 := liveHeap()
		step := 12 * 24 * time.Hour / total
		for done := 0; done < total; done += 10_000 {
			serveAll(b, d, done, 10_000, step)
			if err := d.Tick(ctx); err != nil { // purges on its schedule
				b.Fatal(err)
			}
		}
		for i := range open {
			m := xmsg(fmt.Sprint("o", i), fmt.Sprint("o", i), "where is my bag?")
			m.Account = "brand"
			if _, err := d.Ingest(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		d.Clock.Advance(10 * time.Minute)
		if err := d.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		retained, _ := store.Len()
		retained -= open
		h1 := liveHeap()
		// Past every retention: only the open conversations are left.
		d.Clock.Advance(8 * 24 * time.Hour)
		for range 200 {
			if err := d.Tick(ctx); err != nil {
				b.Fatal(err)
			}
			d.Clock.Advance(10 * time.Minute)
		}
		left, seen := store.Len()
		if left != open || seen != 0 {
			b.Fatalf("after retention: %d conversations and %d dedup keys, want %d and 0", left, seen, open)
		}
		h2 := liveHeap()
		b.ReportMetric(float64(retained), "retained")
		b.ReportMetric(float64(h1-h2)/float64(retained), "B/retained")
		b.ReportMetric(float64(h2-h0)/float64(open), "B/open")
		runtime.KeepAlive(d)
	}
}

func liveHeap() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

var _ = context.Background
