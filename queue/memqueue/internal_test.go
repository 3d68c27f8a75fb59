package memqueue

import (
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
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

// TestRecentKeys checks that the recent-keys cache never returns a wrong
// entry: its slots are pointed at other entries with the right tag, at
// entries of other keys, and left empty, and every lookup must still find
// its own entry, and absent keys none.
func TestRecentKeys(t *testing.T) {
	t.Parallel()
	s := New()
	if s.recent != nil {
		t.Fatal("a new store has a recent-keys cache")
	}
	const n = 3 * recentSize
	for i := range n {
		s.remember(s.newEntry("k" + strconv.Itoa(i)))
	}
	if s.recent == nil {
		t.Fatalf("no recent-keys cache at %d items", n)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range n {
		key := "k" + strconv.Itoa(i)
		h := maphash.String(s.index.seed, key)
		switch i % 3 {
		case 0: // the right tag, the wrong entry
			s.recent[h%recentSize] = h>>32<<32 | uint64(rng.IntN(n)+1)
		case 1: // whatever another key left there
		case 2:
			s.recent[h%recentSize] = 0
		}
		if e := s.find(key); e == nil || e.key != key {
			t.Fatalf("find(%q) = %v, want its entry", key, e)
		}
		if e := s.find(key); e == nil || e.key != key { // now from the cache
			t.Fatalf("second find(%q) = %v, want its entry", key, e)
		}
	}
	for i := range 100 {
		if e := s.find("absent" + strconv.Itoa(i)); e != nil {
			t.Fatalf("find(absent) = entry %q", e.key)
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

// TestTreeOrderLarge fills one group with many items (a tree several levels
// deep), re-scores some and claims every one: the tree must hold its
// invariants, and claims must come out best first.
func TestTreeOrderLarge(t *testing.T) {
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
	if g.tree.len != n {
		t.Fatalf("tree holds %d items, want %d", g.tree.len, n)
	}
	checkTree(t, s, &g.tree)
	if g.tree.height < 2 {
		t.Fatalf("tree height %d, want at least 2 for this test to mean something", g.tree.height)
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
		if i%1000 == 0 {
			checkTree(t, s, &g.tree)
		}
	}
	if _, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", LeaseID: "L", ExpiresAt: now.Add(time.Hour), Now: now.Add(time.Minute)}); !errors.Is(err, queuedriver.ErrNoItem) {
		t.Fatalf("claim past the last item: %v, want ErrNoItem", err)
	}
}

// TestTreeRandom applies random inserts, removals by key and removals at a
// cursor to one tree, with many equal ranks and enqueue times so that keys
// decide, and checks its walk against a sorted slice and its invariants
// every 97 steps, and at every step while it holds few slots.
func TestTreeRandom(t *testing.T) {
	t.Parallel()
	s := New()
	const n = 3000
	for i := range n {
		s.newEntry(fmt.Sprintf("k%05d", i))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var tr tree
	in := map[uint32]slot{}
	for step := range 60_000 {
		id := uint32(rng.IntN(n))
		if len(in) > 0 && rng.IntN(4) == 0 {
			// Remove at a cursor, as a claim does: mostly the best slot.
			var c cursor
			c.best(&tr)
			for k := rng.IntN(3) * rng.IntN(len(in)); k > 0; k-- {
				c.next()
			}
			x := *c.slot()
			s.removeAt(&tr, &c)
			if _, ok := in[x.id]; !ok {
				t.Fatalf("step %d: removed %v at a cursor, which was not in the tree", step, x)
			}
			delete(in, x.id)
		} else if old, ok := in[id]; ok {
			if !s.tremove(&tr, old) {
				t.Fatalf("step %d: remove of %v not found", step, old)
			}
			delete(in, id)
		} else {
			// A few distinct ranks and times: many ties.
			x := slot{rank: float64(rng.IntN(4)), enq: int64(rng.IntN(3)), id: id}
			s.tinsert(&tr, x)
			in[id] = x
		}
		if miss := (slot{rank: 9, id: uint32(rng.IntN(n))}); s.tremove(&tr, miss) {
			t.Fatalf("step %d: removed %v, which is not in the tree", step, miss)
		}
		if step%97 == 0 || len(in) < 40 {
			want := slices.Collect(maps.Values(in))
			slices.SortFunc(want, func(a, b slot) int {
				if s.worse(&a, &b) {
					return 1
				}
				if s.worse(&b, &a) {
					return -1
				}
				return 0
			})
			var got []slot
			var c cursor
			for c.best(&tr); c.ok; c.next() {
				got = append(got, *c.slot())
			}
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: tree walks %d slots, want %d in order", step, len(got), len(want))
			}
			checkTree(t, s, &tr)
		}
		// Drain phases exercise merges down to an empty tree.
		if step%20_000 == 19_999 {
			for id, x := range in {
				if !s.tremove(&tr, x) {
					t.Fatalf("drain: %v not found", x)
				}
				delete(in, id)
			}
			checkTree(t, s, &tr)
			if tr.len != 0 || tr.height != 0 {
				t.Fatalf("drained tree: len %d height %d", tr.len, tr.height)
			}
		}
	}
}

// checkTree checks the tree's invariants: slots in order, separators that
// bound their child and stay below the next child, every node but the
// root at least minFill full, leaves all at one depth, len exact.
func checkTree(t *testing.T, s *Store, tr *tree) {
	t.Helper()
	if tr.root == nil {
		if tr.len != 0 {
			t.Fatalf("tree: no root but len %d", tr.len)
		}
		return
	}
	count := 0
	var walk func(n *node, h int, lo, hi *slot)
	walk = func(n *node, h int, lo, hi *slot) {
		if n != tr.root && n.n < minFill {
			t.Fatalf("tree: a node holds %d, below %d", n.n, minFill)
		}
		if (h == 0) != (n.kids == nil) {
			t.Fatalf("tree: a node at height %d has kids %v", h, n.kids != nil)
		}
		for i := range n.n {
			x := &n.s[i]
			if i > 0 && !s.worse(&n.s[i-1], x) {
				t.Fatalf("tree: slots %d and %d of a node out of order", i-1, i)
			}
			if lo != nil && !s.worse(lo, x) {
				t.Fatalf("tree: slot %v is not above its lower bound %v", *x, *lo)
			}
			if hi != nil && s.worse(hi, x) {
				t.Fatalf("tree: slot %v is above its bound %v", *x, *hi)
			}
		}
		if h == 0 {
			count += n.n
			return
		}
		for i := range n.n {
			var l *slot
			if i > 0 {
				l = &n.s[i-1]
			} else {
				l = lo
			}
			walk(n.kids[i], h-1, l, &n.s[i])
		}
		for i := n.n; i < fan; i++ {
			if n.kids[i] != nil {
				t.Fatalf("tree: kids[%d] of a node of %d is not cleared", i, n.n)
			}
		}
	}
	walk(tr.root, tr.height, nil, nil)
	if count != tr.len {
		t.Fatalf("tree: %d slots in leaves, len says %d", count, tr.len)
	}
}

// TestEnc checks time encoding: the zero time is noTime, times UnixNano can
// hold are exact (near its limits too), and others clamp to its range.
func TestEnc(t *testing.T) {
	t.Parallel()
	minT, maxT := time.Unix(0, math.MinInt64+1), time.Unix(0, math.MaxInt64)
	tests := []struct {
		t    time.Time
		want int64
	}{
		{time.Time{}, noTime},
		{time.Unix(0, 0), 0},
		{time.Date(2026, 12, 1, 9, 0, 0, 123, time.UTC), time.Date(2026, 12, 1, 9, 0, 0, 123, time.UTC).UnixNano()},
		{minT, math.MinInt64 + 1},
		{minT.Add(time.Second), math.MinInt64 + 1 + int64(time.Second)},
		{maxT, math.MaxInt64},
		{maxT.Add(-time.Second), math.MaxInt64 - int64(time.Second)},
		{minT.Add(-1), math.MinInt64 + 1},
		{maxT.Add(1), math.MaxInt64},
		{time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), math.MinInt64 + 1},
		{time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64},
	}
	for _, tt := range tests {
		if got := enc(tt.t); got != tt.want {
			t.Errorf("enc(%v) = %d, want %d", tt.t, got, tt.want)
		}
	}
}
