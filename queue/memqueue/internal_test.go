package memqueue

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// TestKeyIndex fills the index through many doublings and checks that every
// key finds its own entry and that absent keys find none.
func TestKeyIndex(t *testing.T) {
	t.Parallel()
	s := New()
	const n = 100_000
	for i := range n {
		key := "k" + strconv.Itoa(i)
		if s.find(key) != nil {
			t.Fatalf("find(%q) before insert: found", key)
		}
		s.newEntry(key)
	}
	if s.index.n != n {
		t.Fatalf("index holds %d keys, want %d", s.index.n, n)
	}
	if 2*s.index.n > len(s.index.slots) {
		t.Fatalf("index %d/%d is more than half full", s.index.n, len(s.index.slots))
	}
	for i := range n {
		key := "k" + strconv.Itoa(i)
		e := s.find(key)
		if e == nil || e.key != key {
			t.Fatalf("find(%q) = %v, want its entry", key, e)
		}
		if e != s.entryAt(uint32(i)) {
			t.Fatalf("find(%q) is not entry %d", key, i)
		}
	}
	for _, key := range []string{"", "k", "k-1", "k" + strconv.Itoa(n), "K0"} {
		if e := s.find(key); e != nil {
			t.Fatalf("find(%q) = entry %q, want none", key, e.key)
		}
	}
}

// TestKeyIndexEmptyKey checks that the empty key, which a Store accepts
// (package queue rejects it earlier), is indexed like any other.
func TestKeyIndexEmptyKey(t *testing.T) {
	t.Parallel()
	s := New()
	e := s.newEntry("")
	if got := s.find(""); got != e {
		t.Fatalf("find(\"\") = %v, want the entry", got)
	}
}

// TestSharedLeaseID checks that lease operations stay exact when callers
// give two items the same lease id.
func TestSharedLeaseID(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, a := range []string{"ana", "ben"} {
		if err := s.PutAgent(ctx, queuedriver.Agent{ID: a, Online: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"k1", "k2"} {
		if _, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: k, Channel: "x", Score: 1, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for _, a := range []string{"ana", "ben"} {
		it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: a, LeaseID: "same", ExpiresAt: now.Add(time.Minute), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, it.Key)
	}
	// A wrong key with the shared id is refused, whichever item the map holds.
	if _, err := s.Extend(ctx, queuedriver.LeaseRef{Key: "k3", LeaseID: "same", Now: now}, now.Add(time.Hour)); !errors.Is(err, queuedriver.ErrLeaseLost) {
		t.Fatalf("Extend(k3) = %v, want ErrLeaseLost", err)
	}
	for _, k := range []string{keys[1], keys[0]} {
		it, err := s.Complete(ctx, queuedriver.LeaseRef{Key: k, LeaseID: "same", Now: now})
		if err != nil {
			t.Fatalf("Complete(%s): %v", k, err)
		}
		if it.Key != k || it.State != queuedriver.Done {
			t.Fatalf("Complete(%s) = %s %v, want that item done", k, it.Key, it.State)
		}
		if _, err := s.Complete(ctx, queuedriver.LeaseRef{Key: k, LeaseID: "same", Now: now}); !errors.Is(err, queuedriver.ErrLeaseLost) {
			t.Fatalf("second Complete(%s) = %v, want ErrLeaseLost", k, err)
		}
	}
}

// TestHeapOrderLarge fills one group with many items (a heap many levels
// deep), re-scores some and claims every one: claims must come out best
// first, and every heap position must match the position array.
func TestHeapOrderLarge(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	const n = 20_000
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range n + n/4 { // the last quarter re-scores existing items
		k := "k" + strconv.Itoa(i%n)
		if _, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: k, Channel: "x", Team: "t", Score: float64(rng.IntN(1000)), Weights: w, Now: now.Add(time.Duration(i) * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
	g := s.groups[groupKey{"x", "t"}]
	if len(g.heap) != n {
		t.Fatalf("heap holds %d items, want %d", len(g.heap), n)
	}
	for i := range g.heap {
		if got := s.pos[g.heap[i].id]; int(got) != i {
			t.Fatalf("heap[%d] is entry %d, whose position says %d", i, g.heap[i].id, got)
		}
		if p := (i - 1) / arity; i > 0 && s.before(&g.heap[i], &g.heap[p]) {
			t.Fatalf("heap[%d] ranks before its parent heap[%d]", i, p)
		}
	}
	if err := s.PutAgent(ctx, queuedriver.Agent{ID: "a", Online: true}); err != nil {
		t.Fatal(err)
	}
	var prev queuedriver.Item
	for i := range n {
		it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", LeaseID: "L" + strconv.Itoa(i), ExpiresAt: now.Add(time.Hour), Now: now.Add(time.Minute)})
		if err != nil {
			t.Fatalf("claim %d: %v", i, err)
		}
		if i > 0 && (it.Rank > prev.Rank || (it.Rank == prev.Rank && it.EnqueuedAt.Before(prev.EnqueuedAt))) {
			t.Fatalf("claim %d: %s (rank %v) came after %s (rank %v)", i, it.Key, it.Rank, prev.Key, prev.Rank)
		}
		prev = it
	}
	if _, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", LeaseID: "L", ExpiresAt: now.Add(time.Hour), Now: now.Add(time.Minute)}); !errors.Is(err, queuedriver.ErrNoItem) {
		t.Fatalf("claim past the last item: %v, want ErrNoItem", err)
	}
}
