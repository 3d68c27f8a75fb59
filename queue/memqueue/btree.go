package memqueue

// Each group keeps its claimable items in a B+tree of slots, ordered worst
// first, so that the best item is the last slot of the rightmost leaf.
//
// A heap would do the same job in O(log n), but every pop sinks the last
// slot to the bottom of the heap, through levels that do not fit in a cache
// once a group holds a million items: several cache misses per claim, plus
// a scattered write per level to record positions. In the tree, a claim
// walks to the best slots along the rightmost path, which stays in cache,
// and removes the one it takes where it found it; an insert touches one
// leaf (new items of one score band all land at the young end of their
// band, in the same leaf). Any other removal finds its slot by descending
// on the slot's own key, so no positions are kept at all.
//
// Inner nodes hold one separator per child: an upper bound of the child's
// slots that is below every slot of the next child (it may be a slot that
// has since been removed; its entry's key never changes, so it stays a
// valid bound). Every node but the root holds at least minFill slots.

// fan is the most slots (or children) a node holds: a leaf of 32 slots is
// 768 bytes.
const (
	fan     = 32
	minFill = fan / 4
	// maxLevels bounds the height: nodes but the root hold at least
	// minFill children, and minFill^11 > 2^32 items.
	maxLevels = 12
)

// slot is a tree element: the rank and enqueue time are copied out of the
// entry, and the entry is named by number, so that ordering slots reads no
// entry unless two items share both (then their keys decide).
type slot struct {
	rank float64
	enq  int64
	id   uint32
}

func mkSlot(e *entry) slot { return slot{e.rank, e.enqueuedAt, e.id} }

// node is a leaf (kids == nil) or an inner node.
type node struct {
	n    int
	s    [fan]slot
	kids *[fan]*node
}

// top is an upper bound of n's slots: in a leaf, its last slot.
func (n *node) top() slot { return n.s[n.n-1] }

type tree struct {
	root   *node // nil until the first insert
	len    int
	height int // inner levels above the leaves
}

// worse orders slots, worst first: a sorts before b when it has the lower
// Rank, or the same Rank and the later EnqueuedAt, or both the same and
// the greater Key. Claims serve the greatest slot first.
func (s *Store) worse(a, b *slot) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.enq != b.enq {
		return a.enq > b.enq
	}
	return s.entryAt(a.id).key > s.entryAt(b.id).key
}

// firstAbove returns the first i < n.n with x worse than n.s[i], or n.n.
func (s *Store) firstAbove(n *node, x *slot) int {
	lo, hi := 0, n.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.worse(x, &n.s[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// firstAtLeast returns the first i < n.n with n.s[i] not worse than x, or
// n.n.
func (s *Store) firstAtLeast(n *node, x *slot) int {
	lo, hi := 0, n.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.worse(&n.s[m], x) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Nodes freed by merges are kept for the next splits (up to maxSpare of
// each kind), so that a steady stream of claims and inserts allocates
// nothing: an allocation now and then would start garbage collections, and
// each one scans every entry of the store.
const maxSpare = 64

// newNode returns an empty leaf or inner node.
func (s *Store) newNode(inner bool) *node {
	list := &s.spareLeaves
	if inner {
		list = &s.spareInner
	}
	if k := len(*list); k > 0 {
		n := (*list)[k-1]
		(*list)[k-1] = nil
		*list = (*list)[:k-1]
		return n
	}
	if inner {
		return &node{kids: new([fan]*node)}
	}
	return &node{}
}

// freeNode keeps n, which must be empty with no children, for newNode.
func (s *Store) freeNode(n *node) {
	list := &s.spareLeaves
	if n.kids != nil {
		list = &s.spareInner
	}
	if len(*list) < maxSpare {
		*list = append(*list, n)
	}
}

// tinsert adds x, which must not be in t.
func (s *Store) tinsert(t *tree, x slot) {
	if t.root == nil {
		t.root = s.newNode(false)
	}
	if r := s.ins(t.root, &x, t.height); r != nil {
		l := t.root
		root := s.newNode(true)
		root.n = 2
		root.s[0], root.s[1] = l.top(), r.top()
		root.kids[0], root.kids[1] = l, r
		t.root = root
		t.height++
	}
	t.len++
}

// ins adds x under n, h levels above the leaves. If n splits, it keeps the
// lower half and ins returns the upper half.
func (s *Store) ins(n *node, x *slot, h int) *node {
	if h == 0 {
		i := s.firstAbove(n, x)
		if n.n < fan {
			copy(n.s[i+1:n.n+1], n.s[i:n.n])
			n.s[i] = *x
			n.n++
			return nil
		}
		// Split where x goes (within bounds), not in the middle: items
		// of one score band arrive in order at the young end of their
		// band, so they keep arriving in the half that takes x, and the
		// other half, which keeps up to 3/4 of the node, is left as it
		// is. Splitting in the middle would leave such leaves half full.
		p := min(max(i, minFill), fan-minFill)
		r := s.newNode(false)
		r.n = copy(r.s[:], n.s[p:])
		n.n = p
		if i <= p {
			s.ins(n, x, 0)
		} else {
			s.ins(r, x, 0)
		}
		return r
	}
	i := s.firstAtLeast(n, x)
	if i == n.n { // x is above every bound: raise the last one
		i--
		n.s[i] = *x
	}
	r := s.ins(n.kids[i], x, h-1)
	if r == nil {
		return nil
	}
	// kids[i] kept its lower half; r takes kids[i]'s old bound.
	bound := n.s[i]
	n.s[i] = n.kids[i].top()
	var right *node
	if n.n == fan {
		right = s.split(n)
		if i >= n.n {
			i -= n.n
			n = right
		}
	}
	copy(n.s[i+2:n.n+1], n.s[i+1:n.n])
	copy(n.kids[i+2:n.n+1], n.kids[i+1:n.n])
	n.s[i+1], n.kids[i+1] = bound, r
	n.n++
	return right
}

// split moves the upper half of a full node into a new node and returns it.
func (s *Store) split(n *node) *node {
	const half = fan / 2
	r := s.newNode(n.kids != nil)
	r.n = fan - half
	copy(r.s[:], n.s[half:])
	if n.kids != nil {
		copy(r.kids[:], n.kids[half:])
		clear(n.kids[half:])
	}
	n.n = half
	return r
}

// tremove takes x out of t and reports whether it was there.
func (s *Store) tremove(t *tree, x slot) bool {
	if t.root == nil || !s.rem(t.root, &x, t.height) {
		return false
	}
	t.len--
	s.shrink(t)
	return true
}

func (s *Store) rem(n *node, x *slot, h int) bool {
	i := s.firstAtLeast(n, x)
	if i == n.n {
		return false
	}
	if h == 0 {
		if n.s[i].id != x.id {
			return false
		}
		copy(n.s[i:n.n-1], n.s[i+1:n.n])
		n.n--
		return true
	}
	if !s.rem(n.kids[i], x, h-1) {
		return false
	}
	if n.kids[i].n < minFill && n.n > 1 {
		s.rebalance(n, i)
	}
	return true
}

// rebalance refills n's child i, which holds too few slots, from a
// neighbour: the two merge if they fit in one node, else they share their
// slots evenly.
func (s *Store) rebalance(n *node, i int) {
	a := i - 1
	if i == 0 {
		a = 0
	}
	b := a + 1
	A, B := n.kids[a], n.kids[b]
	if A.n+B.n <= fan {
		copy(A.s[A.n:], B.s[:B.n])
		if A.kids != nil {
			copy(A.kids[A.n:], B.kids[:B.n])
		}
		A.n += B.n
		n.s[a] = n.s[b]
		copy(n.s[b:n.n-1], n.s[b+1:n.n])
		copy(n.kids[b:n.n-1], n.kids[b+1:n.n])
		n.kids[n.n-1] = nil
		n.n--
		if B.kids != nil {
			clear(B.kids[:B.n])
		}
		B.n = 0
		s.freeNode(B)
		return
	}
	want := (A.n + B.n) / 2
	if d := A.n - want; d > 0 { // move A's last d to the front of B
		copy(B.s[d:B.n+d], B.s[:B.n])
		copy(B.s[:d], A.s[A.n-d:A.n])
		if A.kids != nil {
			copy(B.kids[d:B.n+d], B.kids[:B.n])
			copy(B.kids[:d], A.kids[A.n-d:A.n])
			clear(A.kids[A.n-d : A.n])
		}
		A.n -= d
		B.n += d
	} else if d := want - A.n; d > 0 { // move B's first d to the end of A
		copy(A.s[A.n:A.n+d], B.s[:d])
		copy(B.s[:B.n-d], B.s[d:B.n])
		if A.kids != nil {
			copy(A.kids[A.n:A.n+d], B.kids[:d])
			copy(B.kids[:B.n-d], B.kids[d:B.n])
			clear(B.kids[B.n-d : B.n])
		}
		A.n += d
		B.n -= d
	}
	n.s[a] = A.top()
}

// removeAt takes out of t the slot c points at (c comes from t and t has
// not changed since), without searching for it: a claim removes the slot
// it just walked to. c is no longer valid after.
func (s *Store) removeAt(t *tree, c *cursor) {
	leaf, i := c.n[c.h], c.i[c.h]
	copy(leaf.s[i:leaf.n-1], leaf.s[i+1:leaf.n])
	leaf.n--
	t.len--
	for l := c.h - 1; l >= 0; l-- {
		if n := c.n[l]; n.kids[c.i[l]].n < minFill && n.n > 1 {
			s.rebalance(n, c.i[l])
		}
	}
	s.shrink(t)
}

// shrink drops roots with a single child.
func (s *Store) shrink(t *tree) {
	for t.height > 0 && t.root.n == 1 {
		old := t.root
		t.root = old.kids[0]
		t.height--
		old.kids[0], old.n = nil, 0
		s.freeNode(old)
	}
}

// cursor walks a tree's slots best first.
type cursor struct {
	n  [maxLevels]*node
	i  [maxLevels]int
	h  int
	ok bool // it points at a slot
}

// best points c at t's best slot.
func (c *cursor) best(t *tree) {
	c.ok = false
	if t.len == 0 {
		return
	}
	c.h = t.height
	n := t.root
	for l := 0; ; l++ {
		c.n[l], c.i[l] = n, n.n-1
		if l == c.h {
			break
		}
		n = n.kids[n.n-1]
	}
	c.ok = true
}

// slot returns the slot c points at.
func (c *cursor) slot() *slot { return &c.n[c.h].s[c.i[c.h]] }

// next moves c to the next slot, worse than the current one.
func (c *cursor) next() {
	l := c.h
	for l >= 0 && c.i[l] == 0 {
		l--
	}
	if l < 0 {
		c.ok = false
		return
	}
	c.i[l]--
	for ; l < c.h; l++ {
		k := c.n[l].kids[c.i[l]]
		c.n[l+1], c.i[l+1] = k, k.n-1
	}
}

// each calls fn with every slot of t, in no particular order.
func (t *tree) each(fn func(*slot)) {
	if t.root != nil {
		eachIn(t.root, t.height, fn)
	}
}

func eachIn(n *node, h int, fn func(*slot)) {
	if h == 0 {
		for i := range n.n {
			fn(&n.s[i])
		}
		return
	}
	for _, k := range n.kids[:n.n] {
		eachIn(k, h-1, fn)
	}
}
