package memqueue

import "hash/maphash"

// keyIndex maps keys to entries. It is an open-addressing table of 8-byte
// slots (32 bits of the key's hash and the entry's number), kept at most
// half full: 16 MiB at a million keys, where a Go map of strings takes
// about 40 MiB (a 16-byte key, an 8-byte value and a control byte a slot)
// and spreads one lookup over two or three cache lines. Looking up a key
// not touched for a while costs one cache miss, plus the entry's.
//
// A lookup probes linearly until it finds the key or an empty slot; a
// deletion (PurgeDone) shifts the slots that follow back, so the table
// needs no tombstones (keyIndex.remove, in purge.go). A key's home slot is the top bits of its tag, so growing
// the table moves slots without hashing a key again.
type keyIndex struct {
	seed  maphash.Seed
	slots []uint64 // 0: empty; otherwise tag<<32 | (entry number + 1)
	bits  uint     // len(slots) == 1<<bits, bits <= 32
	n     int
}

const minIndexBits = 6

func newKeyIndex() keyIndex {
	return keyIndex{seed: maphash.MakeSeed(), slots: make([]uint64, 1<<minIndexBits), bits: minIndexBits}
}

// split returns the tag stored with a key whose hash is h (its high 32
// bits) and the slot to start probing at.
func (x *keyIndex) split(h uint64) (int, uint64) {
	tag := h >> 32
	return x.home(tag), tag
}

func (x *keyIndex) home(tag uint64) int { return int(tag >> (32 - x.bits)) }

// recentSize is the number of slots of the recent-keys cache, and
// recentFromBits the index size (in bits) from which a store keeps one: a
// smaller index stays in the cache by itself, and a store of a few items
// need not carry 32 KiB for nothing.
const (
	recentSize     = 4096
	recentFromBits = 14
)

// recentKeys is a direct-mapped cache in front of the index, of slots like
// the index's: a lookup of a key used recently (a claimed item's lease
// operations, new messages of an active conversation) costs no miss
// however large the index is. A claim enters the claimed key. A slot may
// name another key (the cache is checked by key), never a wrong entry: an
// entry's key never changes, and purging an entry clears its slot (a
// compaction, which renumbers entries, clears them all). It is nil until the index has
// 1<<recentFromBits slots.
type recentKeys []uint64

// find returns the entry for key, or nil.
func (s *Store) find(key string) *entry {
	x := &s.index
	h := maphash.String(x.seed, key)
	i, tag := x.split(h)
	var r *uint64
	if s.recent != nil {
		r = &s.recent[h%recentSize]
		if v := *r; v != 0 && v>>32 == tag {
			if e := s.entryAt(uint32(v) - 1); e.key == key {
				return e
			}
		}
	}
	mask := len(x.slots) - 1
	for {
		v := x.slots[i]
		if v == 0 {
			return nil
		}
		if v>>32 == tag {
			if e := s.entryAt(uint32(v) - 1); e.key == key {
				if r != nil {
					*r = v
				}
				return e
			}
		}
		i = (i + 1) & mask
	}
}

// remember enters e's key in the recent-keys cache, if there is one.
func (s *Store) remember(e *entry) {
	if s.recent == nil {
		return
	}
	h := maphash.String(s.index.seed, e.key)
	s.recent[h%recentSize] = h>>32<<32 | uint64(e.id+1)
}

// insert records that entry number id has key, which must not be in the
// index yet.
func (s *Store) insert(key string, id uint32) {
	x := &s.index
	if 2*(x.n+1) > len(x.slots) {
		s.grow()
	}
	x.put(maphash.String(x.seed, key), id)
	x.n++
}

func (x *keyIndex) put(h uint64, id uint32) {
	_, tag := x.split(h)
	x.place(tag<<32 | uint64(id+1))
}

// place stores slot value v at the first free slot from its home.
func (x *keyIndex) place(v uint64) {
	i, mask := x.home(v>>32), len(x.slots)-1
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = v
}

// grow doubles the table (up to 2³² slots; past that the table fills
// further, which only lengthens probes).
func (s *Store) grow() {
	x := &s.index
	if x.bits == 32 {
		return
	}
	old := x.slots
	x.bits++
	if x.bits >= recentFromBits && s.recent == nil {
		s.recent = make(recentKeys, recentSize)
	}
	x.slots = make([]uint64, 1<<x.bits)
	for _, v := range old {
		if v != 0 {
			x.place(v)
		}
	}
}
