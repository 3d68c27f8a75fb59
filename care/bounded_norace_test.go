//go:build !race

package care_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue"
)

// TestStateDoesNotGrowWithHistory serves rounds of conversations and lets
// every retention pass after each: the live heap after the third round is
// no larger than after the first (what is left is capacity kept at its
// peak, such as a Go map's buckets, not history). Without the race
// detector only: it measures the heap.
func TestStateDoesNotGrowWithHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over 30,000 conversations")
	}
	store := care.NewMemStore()
	d := bareDesk(t, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true},
		Retention: care.RetentionConfig{Resolved: time.Hour, Dedup: 36 * time.Hour, Measurements: time.Hour, Every: time.Hour}}, 10)
	clk, q := d.Clock, d.Queue
	if err := d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}); err != nil {
		t.Fatal(err)
	}
	var heaps []int64
	for round := range 3 {
		for i := range 10_000 {
			m := xmsg(fmt.Sprint("m", round, "-", i), fmt.Sprint("c", round, "-", i), "where is my bag?")
			m.Account = "brand"
			if _, err := d.Ingest(ctx, m); err != nil {
				t.Fatal(err)
			}
			a, err := d.TryNext(ctx, "ana", queue.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Reply(ctx, a, "It's on the 14:05."); err != nil {
				t.Fatal(err)
			}
			if err := d.Resolve(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for range 40 { // past every retention
			clk.Advance(time.Hour)
			if err := d.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			if err := q.Maintain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		convs, seen := store.Len()
		if convs != 0 || seen != 0 {
			t.Fatalf("round %d: %d conversations and %d dedup keys left after retention", round, convs, seen)
		}
		heaps = append(heaps, liveHeap())
	}
	runtime.KeepAlive(d)
	t.Logf("live heap after each round of 10,000 conversations and full retention: %v bytes", heaps)
	if grown := heaps[2] - heaps[0]; grown > heaps[0]/10+1<<20 {
		t.Errorf("the heap grew by %d bytes over two more rounds: state grows with history (%v)", grown, heaps)
	}
}

// TestPurgeGivesBackTheRoom fills a MemStore with resolved conversations,
// dedup keys and once-marks, purges them all, and checks that the live
// heap goes back to near where it started: a Go map keeps the room of its
// deleted keys, so the store must move what is left to smaller maps.
// Without the race detector only: it measures the heap.
func TestPurgeGivesBackTheRoom(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over 100,000 records")
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store := care.NewMemStore()
	h0 := liveHeap()
	const n = 50_000
	for i := range n {
		key := fmt.Sprint("x:brand:c", i)
		c := &care.Conversation{Key: key, Channel: "x", Account: "brand", ResolvedAt: t0}
		seen := []care.SeenKey{{Key: "x/brand/m" + fmt.Sprint(i), Expires: t0.Add(time.Hour)}}
		if err := store.SaveConversation(ctx, c, seen, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Mark(ctx, care.SeenKey{Key: "once/" + key, Expires: t0.Add(time.Hour)}, t0); err != nil {
			t.Fatal(err)
		}
	}
	h1 := liveHeap()
	p, err := store.Purge(ctx, care.PurgeParams{ResolvedBefore: t0.Add(time.Second), Now: t0.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Conversations != n {
		t.Fatalf("purged %d conversations, want %d", p.Conversations, n)
	}
	h2 := liveHeap()
	t.Logf("live heap: %d bytes before, %d filled, %d purged", h0, h1, h2)
	if left, full := h2-h0, h1-h0; left > full/10 {
		t.Fatalf("purging kept %d of the %d bytes the records took", left, full)
	}
	runtime.KeepAlive(store)
}
