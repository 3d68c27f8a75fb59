package care

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"
)

// MemStore is the in-memory Store. The zero value is ready to use; it is
// safe for concurrent use, so several desks in one process may share one.
// Its state ends with the process.
//
// It keeps what it is given until Purge deletes it (the desk purges on its
// retention schedule, see Config.Retention): resolved conversations in the
// order they were resolved and dedup keys in the order they expire, so that
// a purge touches only what it deletes.
//
// Each version it keeps is a snapshot nothing writes into. A desk on a
// MemStore reads the snapshots without copying them, and a save copies
// only what changed since the version it replaces (a reply's turns, not
// the whole conversation); Conversation, OpenConversations and
// SaveConversation still hand out and keep copies, as Store requires.
type MemStore struct {
	mu       sync.Mutex
	convs    map[string]*Conversation
	seen     expiringKeys      // dedup keys
	resolved ring[resolvedRef] // by resolution time (saved in that order unless clocks differ)
	acked    map[string]int    // key → last cycle acknowledged
	fus      map[string]FollowUp
	fuOrder  []FollowUp                     // by (At, ID)
	fuKeys   map[string]map[string]struct{} // conversation key → follow-up ids
	feed     memFeed                        // Changes, Lead (memstore_shared.go)
	// purged counts the conversations purged since convs was made: a Go
	// map never gives back the room of its deleted keys, so Purge moves
	// the maps keyed by conversation to new ones (see refitDue).
	purged int
}

type resolvedRef struct {
	key string
	at  time.Time
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{} }

func (s *MemStore) init() {
	if s.convs == nil {
		s.convs = map[string]*Conversation{}
		s.acked = map[string]int{}
		s.fus = map[string]FollowUp{}
		s.fuKeys = map[string]map[string]struct{}{}
	}
}

// Conversation implements Store.
func (s *MemStore) Conversation(_ context.Context, key string) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[key]
	if !ok {
		return Conversation{}, fmt.Errorf("%w: %s", ErrUnknownConversation, key)
	}
	return c.clone(), nil
}

// view returns a view of the stored conversation key for the desk, or nil
// if there is none: its own struct over the stored snapshot's slices,
// which the desk must not write into (see conversation_cow.go).
func (s *MemStore) view(key string) *Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.convs[key]; ok {
		return c.view()
	}
	return nil
}

// snapshot returns the stored conversation key itself, or nil: for the
// desk to read and never change (see saveOwn).
func (s *MemStore) snapshot(key string) *Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.convs[key]
}

// SaveConversation implements Store.
func (s *MemStore) SaveConversation(_ context.Context, c *Conversation, seen []SeenKey, now time.Time) error {
	return s.save(c, seen, now, false)
}

// saveOwn is SaveConversation for the desk's own change of a view, which
// nothing else holds: c itself becomes the stored snapshot, so that
// nothing may change it afterwards, and it keeps the Messages and
// Transcript that it does not share with the snapshot it replaces rather
// than copying them (see conversation_cow.go, owned); what else it does
// not share is copied as SaveConversation copies it.
func (s *MemStore) saveOwn(c *Conversation, seen []SeenKey, now time.Time) error {
	return s.save(c, seen, now, true)
}

func (s *MemStore) save(c *Conversation, seen []SeenKey, now time.Time, owned bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	var stored int64
	old, ok := s.convs[c.Key]
	if ok {
		stored = old.Version
	}
	if stored != c.Version {
		return fmt.Errorf("%w: %s is at version %d, the save started from %d", ErrConflict, c.Key, stored, c.Version)
	}
	for _, k := range seen {
		if s.seen.marked(k.Key, now) {
			return fmt.Errorf("%w: %s", ErrDuplicate, k.Key)
		}
	}
	for _, k := range seen {
		s.seen.mark(k)
	}
	c.Version++
	// The snapshot shares with the one it replaces what c still shares
	// with it (c is a view of it), and copies the rest.
	cp := c
	if owned {
		*c = c.copyAgainst(old, true)
	} else {
		v := c.copyAgainst(old, false)
		cp = &v
	}
	s.convs[c.Key] = cp
	s.feed.saved(c.Key)
	if !cp.ResolvedAt.IsZero() && !cp.Open() && (!ok || !old.ResolvedAt.Equal(cp.ResolvedAt)) {
		s.resolved.insertSorted(resolvedRef{key: cp.Key, at: cp.ResolvedAt}, func(a, b resolvedRef) bool { return a.at.Before(b.at) })
	}
	return nil
}

// Seen implements Store.
func (s *MemStore) Seen(_ context.Context, key string, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen.marked(key, now), nil
}

// OpenConversations implements Store.
func (s *MemStore) OpenConversations(_ context.Context) ([]Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Conversation
	for _, c := range s.convs {
		if c.Open() {
			out = append(out, c.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// MarkAcknowledged implements Store.
func (s *MemStore) MarkAcknowledged(_ context.Context, key string, cycle int, _ time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	if last, ok := s.acked[key]; ok && last >= cycle {
		return false, nil
	}
	s.acked[key] = cycle
	return true, nil
}

// PutFollowUp implements Store.
func (s *MemStore) PutFollowUp(_ context.Context, f FollowUp) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	if _, ok := s.fus[f.ID]; ok {
		s.dropFollowUp(f.ID)
	}
	s.fus[f.ID] = f
	if s.fuKeys[f.Key] == nil {
		s.fuKeys[f.Key] = map[string]struct{}{}
	}
	s.fuKeys[f.Key][f.ID] = struct{}{}
	i, _ := slices.BinarySearchFunc(s.fuOrder, f, cmpFollowUp)
	s.fuOrder = slices.Insert(s.fuOrder, i, f)
	return nil
}

func cmpFollowUp(a, b FollowUp) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// dropFollowUp removes id from the order; called with s.mu held.
func (s *MemStore) dropFollowUp(id string) {
	f := s.fus[id]
	if i, ok := slices.BinarySearchFunc(s.fuOrder, f, cmpFollowUp); ok {
		s.fuOrder = slices.Delete(s.fuOrder, i, i+1)
	}
	delete(s.fus, id)
	if ids := s.fuKeys[f.Key]; ids != nil {
		delete(ids, id)
		if len(ids) == 0 {
			delete(s.fuKeys, f.Key)
		}
	}
}

// TakeFollowUp implements Store.
func (s *MemStore) TakeFollowUp(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.fus[id]; !ok {
		return false, nil
	}
	s.dropFollowUp(id)
	return true, nil
}

// FollowUps implements Store. It costs O(log n) plus the due follow-ups.
func (s *MemStore) FollowUps(_ context.Context, until time.Time) ([]FollowUp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := sort.Search(len(s.fuOrder), func(i int) bool { return s.fuOrder[i].At.After(until) })
	return slices.Clone(s.fuOrder[:n]), nil
}

// Boomerangs implements BoomerangLister.
func (s *MemStore) Boomerangs(_ context.Context, agent string, until time.Time) ([]FollowUp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []FollowUp
	for _, f := range s.fuOrder {
		if f.At.After(until) {
			break
		}
		if f.Kind == Boomerang && f.Agent == agent {
			out = append(out, f)
		}
	}
	return out, nil
}

// Purge implements Store.
func (s *MemStore) Purge(_ context.Context, p PurgeParams) (Purged, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out Purged
	limit := func(n int) bool { return p.Limit > 0 && n >= p.Limit }
	i := 0
	for ; i < s.resolved.len() && !limit(out.Conversations); i++ {
		r := s.resolved.at(i)
		if !r.at.Before(p.ResolvedBefore) {
			break
		}
		c, ok := s.convs[r.key]
		if !ok || c.Open() || !c.ResolvedAt.Equal(r.at) {
			continue // reopened (or resolved again later: a newer ref follows)
		}
		delete(s.convs, r.key)
		s.feed.deleted(r.key)
		delete(s.acked, r.key)
		for id := range s.fuKeys[r.key] {
			s.dropFollowUp(id)
		}
		out.Conversations++
	}
	s.resolved.drop(i)
	if refitDue(&s.purged, out.Conversations, len(s.convs)) {
		s.convs, s.acked, s.feed.latest = refit(s.convs), refit(s.acked), refit(s.feed.latest)
	}
	out.SeenKeys = s.seen.purge(p.Now, p.Limit) + s.feed.marks.purge(p.Now, p.Limit)
	return out, nil
}

// refitDue adds n to *deleted, the keys deleted from a map since it was
// made, and reports whether the map, which holds live keys, should now be
// refit: once twice as many were deleted as are left (the copy then costs
// less than one map write per deleted key, and the room stays within a
// few times the live keys). It then resets *deleted.
func refitDue(deleted *int, n, live int) bool {
	if *deleted += n; *deleted > 2*live+4096 {
		*deleted = 0
		return true
	}
	return false
}

// refit returns a copy of m in a map sized for what it holds: unlike
// maps.Clone, which keeps the room of the keys m once held.
func refit[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	n := make(map[K]V, len(m))
	maps.Copy(n, m)
	return n
}

// ring is a FIFO in a circular buffer: n elements from head, wrapping.
// It doubles when full and halves when less than a quarter full, so that
// a push or a pop moves nothing (a slice popped from the front and pushed
// at the back copies all of itself whenever its shrinking capacity runs
// out) and a queue grown at a peak is let go. The zero value is empty.
type ring[T any] struct {
	buf     []T
	head, n int
}

// len returns the number of elements.
func (r *ring[T]) len() int { return r.n }

// at returns the i-th element from the front.
func (r *ring[T]) at(i int) T { return r.buf[(r.head+i)%len(r.buf)] }

// insertSorted inserts v, sorted by less, after its equals. v usually
// goes last, so it searches from the back and moves only what follows it.
func (r *ring[T]) insertSorted(v T, less func(a, b T) bool) {
	if r.n == len(r.buf) {
		r.resize(max(2*len(r.buf), 16))
	}
	i := r.n
	for ; i > 0 && less(v, r.at(i-1)); i-- {
		r.buf[(r.head+i)%len(r.buf)] = r.at(i - 1)
	}
	r.buf[(r.head+i)%len(r.buf)] = v
	r.n++
}

// drop forgets the k oldest elements.
func (r *ring[T]) drop(k int) {
	var zero T
	for range k {
		r.buf[r.head] = zero
		r.head = (r.head + 1) % len(r.buf)
	}
	r.n -= k
	if r.n == 0 {
		r.head = 0
	}
	if size := len(r.buf); size > 64 && r.n < size/4 {
		for size > 64 && r.n < size/4 {
			size /= 2
		}
		r.resize(size)
	}
}

// resize moves the elements, oldest first, to a buffer of size size.
func (r *ring[T]) resize(size int) {
	buf := make([]T, size)
	if end := r.head + r.n; end <= len(r.buf) {
		copy(buf, r.buf[r.head:end])
	} else {
		copy(buf[copy(buf, r.buf[r.head:]):], r.buf[:end-len(r.buf)])
	}
	r.buf, r.head = buf, 0
}

// Len returns how many conversations and dedup keys the store holds, for
// tests and capacity checks.
func (s *MemStore) Len() (conversations, seenKeys int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.convs), len(s.seen.m)
}
