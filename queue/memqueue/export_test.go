package memqueue

// SetCompactMin makes s compact once it holds n purged entries (and they are
// a quarter of the store), so that tests compact small stores.
func SetCompactMin(s *Store, n uint32) {
	s.mu.Lock()
	s.done.compactMin = n
	s.mu.Unlock()
}
