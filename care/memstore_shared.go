package care

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// memFeed is MemStore's feed of saves (Store.Changes): a position per
// save, the latest position of each key, and a log of (position, key) in
// position order that compaction keeps near the number of keys.
type memFeed struct {
	pos    int64
	latest map[string]int64
	log    []feedEntry
	leases map[string]memLease
	// marks (Store.Mark), apart from the dedup keys so that Len counts
	// messages.
	marks expiringKeys
}

type feedEntry struct {
	pos int64
	key string
}

type memLease struct {
	holder  string
	expires time.Time
}

// saved records a save of key; called with the store's lock held.
func (f *memFeed) saved(key string) {
	if f.latest == nil {
		f.latest = map[string]int64{}
	}
	f.pos++
	f.latest[key] = f.pos
	f.log = append(f.log, feedEntry{f.pos, key})
	if len(f.log) > 2*len(f.latest)+64 { // most entries are superseded: keep the latest of each key
		n := 0
		for _, e := range f.log {
			if f.latest[e.key] == e.pos {
				f.log[n] = e
				n++
			}
		}
		clear(f.log[n:])
		f.log = f.log[:n]
	}
}

// deleted forgets key (purged); called with the store's lock held.
func (f *memFeed) deleted(key string) { delete(f.latest, key) }

// Mark implements Store.
func (s *MemStore) Mark(_ context.Context, k SeenKey, now time.Time) (bool, error) {
	if k.Key == "" {
		return false, fmt.Errorf("%w: Mark: empty key", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.feed.marks.marked(k.Key, now) {
		return false, nil
	}
	s.feed.marks.mark(k)
	return true, nil
}

// expiringKeys are keys marked until an expiry, purged oldest first: the
// dedup keys and the marks.
type expiringKeys struct {
	m    map[string]time.Time
	fifo ring[SeenKey] // by expiry (marked in that order unless TTLs differ)
	// deleted counts the keys deleted from m since it was made: a Go map
	// never gives back the room of its deleted keys, so purge moves the
	// live ones to a new map (see refitDue).
	deleted int
}

// marked reports whether key is marked and unexpired at now.
func (e *expiringKeys) marked(key string, now time.Time) bool {
	exp, ok := e.m[key]
	return ok && !exp.Before(now)
}

// mark marks k.Key until k.Expires.
func (e *expiringKeys) mark(k SeenKey) {
	if e.m == nil {
		e.m = map[string]time.Time{}
	}
	e.m[k.Key] = k.Expires
	e.fifo.insertSorted(k, func(a, b SeenKey) bool { return a.Expires.Before(b.Expires) })
}

// purge deletes the keys expired before now, at most limit (0: no limit),
// and returns how many it deleted.
func (e *expiringKeys) purge(now time.Time, limit int) int {
	n, j := 0, 0
	for ; j < e.fifo.len() && (limit <= 0 || n < limit); j++ {
		k := e.fifo.at(j)
		if !k.Expires.Before(now) {
			break
		}
		if exp, ok := e.m[k.Key]; ok && exp.Equal(k.Expires) {
			delete(e.m, k.Key)
			n++
		}
	}
	e.fifo.drop(j)
	if refitDue(&e.deleted, n, len(e.m)) {
		e.m = refit(e.m)
	}
	return n
}

// Cursor implements Store.
func (s *MemStore) Cursor(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.feed.pos, nil
}

// Changes implements Store. It costs O(log n) plus what it reports.
func (s *MemStore) Changes(_ context.Context, after int64, limit int) ([]Change, int64, error) {
	if limit <= 0 {
		return nil, after, fmt.Errorf("%w: Changes: limit %d must be positive", ErrInvalid, limit)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	log := s.feed.log
	i := sort.Search(len(log), func(i int) bool { return log[i].pos > after })
	var out []Change
	next := after
	for ; i < len(log) && len(out) < limit; i++ {
		e := log[i]
		next = e.pos
		if s.feed.latest[e.key] != e.pos {
			continue // saved again later: reported there
		}
		c := s.convs[e.key]
		if c == nil {
			continue
		}
		out = append(out, Change{Key: e.key, Version: c.Version, Open: c.Open()})
	}
	if i == len(log) {
		next = max(next, s.feed.pos)
	}
	return out, next, nil
}

// Lead implements Store.
func (s *MemStore) Lead(_ context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("%w: Lead needs a name, a holder and a positive ttl (got %q, %q, %v)", ErrInvalid, name, holder, ttl)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.feed.leases == nil {
		s.feed.leases = map[string]memLease{}
	}
	if l, ok := s.feed.leases[name]; ok && l.holder != holder && l.expires.After(now) {
		return false, nil
	}
	s.feed.leases[name] = memLease{holder: holder, expires: now.Add(ttl)}
	return true, nil
}
