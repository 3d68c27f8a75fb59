package memqueue

import (
	"strconv"
	"testing"
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
