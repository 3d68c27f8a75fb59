package memqueue

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// checkStore checks that everything that names an entry agrees: the index
// holds exactly the live entries, the done list exactly the Done ones in
// order of UpdatedAt, the trees, timers and held lists the others, each
// where its entry says it is.
func checkStore(t *testing.T, s *Store) {
	t.Helper()
	live, dead, done, grouped, timed := 0, 0, 0, 0, 0
	for id := range s.entries {
		e := s.entryAt(id)
		if e.id != id {
			t.Fatalf("entry %d says it is %d", id, e.id)
		}
		if e.where == purged {
			dead++
			continue
		}
		live++
		if got := s.find(e.key); got != e {
			t.Fatalf("find(%q) = %p, want entry %d", e.key, got, id)
		}
		switch e.where {
		case inDone:
			done++
			if e.state != queuedriver.Done {
				t.Fatalf("entry %q in the done list is %v", e.key, e.state)
			}
		case inGroup:
			grouped++
		case inTimers:
			timed++
			if s.timers[e.timerPos] != e {
				t.Fatalf("timers[%d] is not %q", e.timerPos, e.key)
			}
		}
		if e.holder != nil && e.holder.held[e.heldPos] != e {
			t.Fatalf("held[%d] of %s is not %q", e.heldPos, e.holder.a.ID, e.key)
		}
	}
	if dead != int(s.done.dead) {
		t.Fatalf("%d purged entries, the store counts %d", dead, s.done.dead)
	}
	if s.index.n != live {
		t.Fatalf("index holds %d keys, %d entries are live", s.index.n, live)
	}
	n := 0
	for _, v := range s.index.slots {
		if v == 0 {
			continue
		}
		n++
		e := s.entryAt(uint32(v) - 1)
		if e.where == purged || maphash.String(s.index.seed, e.key)>>32 != v>>32 {
			t.Fatalf("index slot %x names entry %q (%d)", v, e.key, e.where)
		}
	}
	if n != live {
		t.Fatalf("%d index slots, %d live entries", n, live)
	}
	var prev uint32
	listed := 0
	for v := s.done.head; v != 0; v = s.entryAt(v - 1).doneNext {
		e := s.entryAt(v - 1)
		if e.where != inDone || e.donePrev != prev {
			t.Fatalf("done list: %q is %d, prev %d want %d", e.key, e.where, e.donePrev, prev)
		}
		if prev != 0 && s.entryAt(prev-1).updatedAt > e.updatedAt {
			t.Fatalf("done list: %q changed before the item ahead of it", e.key)
		}
		prev = v
		listed++
	}
	if prev != s.done.tail || listed != done {
		t.Fatalf("done list: %d listed, %d done; tail %d, last %d", listed, done, s.done.tail, prev)
	}
	inTrees := 0
	for _, g := range s.all {
		checkTree(t, s, &g.tree)
		g.tree.each(func(sl *slot) {
			if e := s.entryAt(sl.id); e.where != inGroup || e.g != g || e.rank != sl.rank {
				t.Fatalf("tree of %v holds %q (where %d)", g.key, e.key, e.where)
			}
		})
		inTrees += g.tree.len
	}
	if inTrees != grouped || len(s.timers) != timed {
		t.Fatalf("trees hold %d, %d grouped; %d timers, %d timed", inTrees, grouped, len(s.timers), timed)
	}
}

// TestPurgeAndCompact churns a store with a low compaction threshold: items
// of every state and group, short and long keys, purged in batches and
// re-upserted, checking after every phase that the store is consistent,
// that purged keys are gone and others kept, and that keys handed out
// before a compaction still read the same.
func TestPurgeAndCompact(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New()
	s.done.compactMin = 64
	w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	rng := rand.New(rand.NewPCG(3, 4))
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, a := range []string{"a0", "a1", "a2"} {
		if err := s.PutAgent(ctx, queuedriver.Agent{ID: a, Online: true}); err != nil {
			t.Fatal(err)
		}
	}
	key := func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("a-long-key-that-does-not-fit-inline-%06d", i)
		}
		return fmt.Sprint("k", i)
	}
	const nkeys = 3000
	handed := map[string]string{} // Item.Key strings from the store, by their own copy
	compactions := 0
	purgedTotal := 0
	for round := range 12 {
		if round%2 == 1 {
			now = now.Add(2 * time.Minute) // leases expire, snoozes end
		}
		for i := range nkeys {
			if rng.IntN(3) > 0 {
				continue
			}
			now = now.Add(time.Millisecond)
			it, err := s.Upsert(ctx, queuedriver.UpsertParams{
				Key: key(i), Channel: []string{"x", "fb"}[rng.IntN(2)], Team: []string{"care", "billing"}[rng.IntN(2)],
				Score: float64(rng.IntN(50)), Weights: w, Now: now,
			})
			if err != nil {
				t.Fatal(err)
			}
			if rng.IntN(50) == 0 {
				handed[strings.Clone(it.Key)] = it.Key
			}
		}
		// Claim many; complete most, snooze some, keep some held.
		for range nkeys / 3 {
			now = now.Add(time.Millisecond)
			it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: fmt.Sprint("a", rng.IntN(3)), LeaseID: "L", ExpiresAt: now.Add(time.Duration(1+rng.IntN(3)) * time.Minute), Now: now})
			if err != nil {
				break
			}
			at := now.Add(-time.Duration(rng.IntN(5)) * time.Millisecond) // clocks slightly out of order
			ref := queuedriver.LeaseRef{Key: it.Key, LeaseID: "L", Now: at}
			switch r := rng.IntN(10); {
			case r < 7:
				_, err = s.Complete(ctx, ref)
			case r < 8:
				_, err = s.Release(ctx, ref, queuedriver.ReleaseParams{Until: now.Add(time.Minute)})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		checkStore(t, s)
		before := s.entries
		n, err := s.PurgeDone(ctx, now.Add(-time.Duration(rng.IntN(500))*time.Millisecond), rng.IntN(1500))
		if err != nil {
			t.Fatal(err)
		}
		purgedTotal += n
		if s.entries < before {
			compactions++
		}
		checkStore(t, s)
		for own, got := range handed {
			if got != own {
				t.Fatalf("round %d: a key handed out as %q now reads %q", round, own, got)
			}
		}
	}
	if compactions < 2 || purgedTotal < 1000 {
		t.Fatalf("%d purged and %d compactions: the test does not exercise compaction", purgedTotal, compactions)
	}
	t.Logf("%d purged, %d compactions, %d entries left", purgedTotal, compactions, s.entries)
	// Purge everything Done and compact; the rest must still work.
	for {
		n, err := s.PurgeDone(ctx, now.Add(time.Hour), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	checkStore(t, s)
	for i := range nkeys {
		it, err := s.Get(ctx, key(i))
		if err == nil && it.State == queuedriver.Done {
			t.Fatalf("%s is still Done after purging everything", key(i))
		}
	}
	for {
		now = now.Add(time.Millisecond)
		it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a0", LeaseID: "M", ExpiresAt: now.Add(time.Hour), Now: now})
		if err != nil {
			break
		}
		if _, err := s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: "M", Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	checkStore(t, s)
}

// TestKeyIndexRemove deletes keys from a crowded index in random order and
// checks after each deletion that every other key is still found.
func TestKeyIndexRemove(t *testing.T) {
	t.Parallel()
	s := New()
	const n = 3000 // the index stays below recentFromBits: no recent-keys cache
	var es []*entry
	for i := range n {
		es = append(es, s.newEntry(fmt.Sprint("k", i)))
	}
	rng := rand.New(rand.NewPCG(7, 8))
	rng.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
	for i, e := range es {
		s.index.remove(maphash.String(s.index.seed, e.key), e.id)
		if s.index.n != n-i-1 {
			t.Fatalf("index holds %d after %d removals", s.index.n, i+1)
		}
		if s.find(e.key) != nil {
			t.Fatalf("find(%q) after its removal", e.key)
		}
		if i%97 == 0 || i > n-50 {
			for _, o := range es[i+1:] {
				if s.find(o.key) != o {
					t.Fatalf("after removing %q, find(%q) fails", e.key, o.key)
				}
			}
		}
	}
}

// TestPurgeForgetsRecentKey checks, on a store large enough to keep a
// recent-keys cache, that a purged key is not found through the cache
// (before and after a compaction) and comes back as a new item.
func TestPurgeForgetsRecentKey(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New()
	s.done.compactMin = 64
	w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := s.PutAgent(ctx, queuedriver.Agent{ID: "a", Online: true}); err != nil {
		t.Fatal(err)
	}
	const n = 10_000
	for i := range n {
		if _, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: fmt.Sprint("k", i), Score: float64(i % 7), Weights: w, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	if s.recent == nil {
		t.Fatal("no recent-keys cache")
	}
	complete := func(count int) []string {
		var keys []string
		for range count {
			it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", LeaseID: "L", ExpiresAt: now.Add(time.Hour), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: "L", Now: now}); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, it.Key)
		}
		return keys
	}
	// One purge without compaction, then enough for one.
	for _, count := range []int{10, n / 2} {
		keys := complete(count)
		before := s.entries
		got, err := s.PurgeDone(ctx, now.Add(time.Second), count)
		if err != nil || got != count {
			t.Fatalf("PurgeDone = %d, %v; want %d", got, err, count)
		}
		if compacted := s.entries < before; compacted != (count > 10) {
			t.Fatalf("purging %d: compacted %v", count, compacted)
		}
		for _, k := range keys {
			if _, err := s.Get(ctx, k); err != queuedriver.ErrNotFound {
				t.Fatalf("Get(%s) after purge: %v", k, err)
			}
		}
		checkStore(t, s)
		it, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: keys[0], Score: 1, Weights: w, Now: now})
		if err != nil || it.Version != 1 || it.Claims != 0 {
			t.Fatalf("re-upsert of %s = version %d, claims %d, %v; want a new item", keys[0], it.Version, it.Claims, err)
		}
		checkStore(t, s)
	}
}

// BenchmarkCompact measures one compaction of a store of waiting items
// (the lock is held that long), as the ns/op.
func BenchmarkCompact(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprint("waiting=", n), func(b *testing.B) {
			ctx := b.Context()
			s := New()
			w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
			t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			for i := range n {
				if _, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: fmt.Sprintf("item-%07d", i), Channel: "x", Score: float64(i % 100), Weights: w, Now: t0.Add(time.Duration(i) * time.Microsecond)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				s.mu.Lock()
				s.compact()
				s.mu.Unlock()
			}
		})
	}
}
