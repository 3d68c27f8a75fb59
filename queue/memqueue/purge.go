package memqueue

import (
	"context"
	"hash/maphash"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Freeing Done items.
//
// Done items are linked, in order of UpdatedAt (when they were completed),
// into the done list, so that PurgeDone takes the oldest without a scan.
// Purging an item deletes its key from the index, drops it from the
// recent-keys cache and releases what it points at (payload, skills,
// agents), but leaves its entry where it is: strings handed out by earlier
// calls (Item.Key) share the entry's inline key bytes, and inner tree
// nodes may still use its rank and key as a bound, so neither may be
// overwritten. The entry's number is not reused; when purged entries make
// up a quarter of the store (and at least compactMin of them), compact
// copies the live entries into fresh chunks, renumbering them, and the old
// chunks, with the purged entries and the key chunks' dead bytes, are left
// to the garbage collector.

// where values of Done and purged entries (see nowhere, inGroup and
// inTimers).
const (
	inDone = inTimers + 1 + iota // a Done item, in the done list
	purged                       // deleted by PurgeDone, awaiting compaction
)

// compactMin is the fewest purged entries that start a compaction, so that
// a small store does not compact at every purge.
const compactMin = 4 * entryChunk

// doneList is the list of Done items, oldest UpdatedAt first, linked
// through the entries' donePrev and doneNext.
type doneList struct {
	head, tail uint32 // entry number + 1; 0 when the list is empty
	dead       uint32 // purged entries not yet compacted away
	compactMin uint32 // if not 0, replaces compactMin (for tests)
}

var _ queuedriver.Purger = (*Store)(nil)

// linkDone enters e, which was just completed, into the done list after
// the items changed no later than it: at the tail, unless callers' clocks
// arrived out of order (then it walks back past the later ones).
func (s *Store) linkDone(e *entry) {
	e.where = inDone
	after := s.done.tail
	for after != 0 && s.entryAt(after-1).updatedAt > e.updatedAt {
		after = s.entryAt(after - 1).donePrev
	}
	var next uint32
	if after == 0 {
		next, s.done.head = s.done.head, e.id+1
	} else {
		a := s.entryAt(after - 1)
		next, a.doneNext = a.doneNext, e.id+1
	}
	if next == 0 {
		s.done.tail = e.id + 1
	} else {
		s.entryAt(next - 1).donePrev = e.id + 1
	}
	e.donePrev, e.doneNext = after, next
}

// unlinkDone takes e out of the done list.
func (s *Store) unlinkDone(e *entry) {
	if e.donePrev == 0 {
		s.done.head = e.doneNext
	} else {
		s.entryAt(e.donePrev - 1).doneNext = e.doneNext
	}
	if e.doneNext == 0 {
		s.done.tail = e.donePrev
	} else {
		s.entryAt(e.doneNext - 1).donePrev = e.donePrev
	}
	e.donePrev, e.doneNext = 0, 0
	e.where = nowhere
}

// PurgeDone implements queuedriver.Purger. It takes O(k) for k items
// deleted, plus, when purged entries reach a quarter of the store, a
// compaction that copies every live entry once (O(n), amortized O(1) per
// purged item; the store is locked meanwhile: see the package doc).
func (s *Store) PurgeDone(ctx context.Context, before time.Time, limit int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := enc(before)
	n := 0
	for n < limit && s.done.head != 0 {
		e := s.entryAt(s.done.head - 1)
		if e.updatedAt >= b {
			break
		}
		s.unlinkDone(e)
		s.free(e)
		n++
	}
	least := uint32(compactMin)
	if s.done.compactMin != 0 {
		least = s.done.compactMin
	}
	if s.done.dead >= least && 4*s.done.dead >= s.entries {
		s.compact()
	}
	return n, nil
}

// free deletes e, which is detached, from the index and the recent-keys
// cache and releases what it points at. It keeps e's key, rank and enqueue
// time, which tree bounds may still compare with (see the top of the file).
func (s *Store) free(e *entry) {
	h := maphash.String(s.index.seed, e.key)
	s.index.remove(h, e.id)
	if s.recent != nil {
		if r := &s.recent[h%recentSize]; uint32(*r) == e.id+1 {
			*r = 0
		}
	}
	e.where, e.state = purged, 0
	e.g, e.skills, e.holder, e.lastAgent = nil, nil, nil, nil
	e.language, e.payload, e.leaseID = "", "", ""
	s.done.dead++
}

// remove deletes the slot of entry id, whose key hashes to h, and shifts
// the slots after it back (linear probing needs no tombstones then: every
// key stays reachable from its home without crossing an empty slot).
func (x *keyIndex) remove(h uint64, id uint32) {
	i, tag := x.split(h)
	want := tag<<32 | uint64(id+1)
	mask := len(x.slots) - 1
	for x.slots[i] != want {
		if x.slots[i] == 0 {
			return // not indexed: nothing to do
		}
		i = (i + 1) & mask
	}
	for j := i; ; {
		j = (j + 1) & mask
		v := x.slots[j]
		if v == 0 {
			break
		}
		// v may fill the hole at i unless its home lies cyclically in
		// (i, j]: then it would sit before its home.
		k := x.home(v >> 32)
		if (i <= j && (k <= i || k > j)) || (i > j && k <= i && k > j) {
			x.slots[i] = v
			i = j
		}
	}
	x.slots[i] = 0
	x.n--
}

// compact moves the live entries into fresh chunks, numbered anew in their
// old order, and points everything that names an entry (the index, the
// trees, the timers, the agents' held lists, the done list) at the new
// ones. The old chunks are not written again.
func (s *Store) compact() {
	old := s.chunks
	n := s.entries
	remap := make([]uint32, n)
	s.chunks, s.keys, s.entries = nil, nil, 0
	for id := range n {
		e := &old[id/entryChunk][id%entryChunk]
		if e.where == purged {
			continue
		}
		nid := s.entries
		if nid%entryChunk == 0 {
			s.chunks = append(s.chunks, new([entryChunk]entry))
		}
		ne := s.entryAt(nid)
		*ne = *e
		ne.id = nid
		ne.key = s.copyKey(ne, e.key)
		remap[id] = nid
		s.entries++
	}
	s.done.dead = 0
	link := func(v uint32) uint32 {
		if v == 0 {
			return 0
		}
		return remap[v-1] + 1
	}
	s.done.head, s.done.tail = link(s.done.head), link(s.done.tail)
	for id := range s.entries {
		e := s.entryAt(id)
		e.donePrev, e.doneNext = link(e.donePrev), link(e.doneNext)
	}
	for i, e := range s.timers {
		s.timers[i] = s.entryAt(remap[e.id])
	}
	for _, a := range s.agents {
		for i, e := range a.held {
			a.held[i] = s.entryAt(remap[e.id])
		}
	}
	for _, g := range s.all {
		if g.tree.root != nil {
			remapNode(g.tree.root, g.tree.height, remap)
		}
	}
	for i, v := range s.index.slots {
		if v != 0 {
			s.index.slots[i] = v>>32<<32 | uint64(remap[uint32(v)-1]+1)
		}
	}
	clear(s.recent)
}

// remapNode renumbers the slots under n, h levels above the leaves, and
// sets every inner bound to its child's greatest slot, a valid bound that
// names a live entry (an old bound may name a purged one).
func remapNode(n *node, h int, remap []uint32) {
	if h == 0 {
		for i := range n.n {
			n.s[i].id = remap[n.s[i].id]
		}
		return
	}
	for i := range n.n {
		k := n.kids[i]
		remapNode(k, h-1, remap)
		if k.n > 0 {
			n.s[i] = k.top()
		}
	}
}
