package care

// StoredForTest returns the snapshot s stores for key (nil if none): the
// value itself, not a copy, so that a test can check that nothing writes
// into a snapshot once it is stored.
func (s *MemStore) StoredForTest(key string) *Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.convs[key]
}
