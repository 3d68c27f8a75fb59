package care

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"
)

// FollowUpKind says what a follow-up does when it comes due.
type FollowUpKind uint8

// Follow-up kinds.
const (
	// Boomerang returns the conversation to its agent.
	Boomerang FollowUpKind = iota + 1
	// Proactive sends a scheduled message, through the reply guards.
	Proactive
)

// FollowUp is a Boomerang or a scheduled proactive message.
type FollowUp struct {
	// ID identifies the follow-up.
	ID string
	// Kind is what it does.
	Kind FollowUpKind
	// Key is the conversation.
	Key string
	// Agent is the agent it returns to (Boomerang) or who signs it
	// (Proactive).
	Agent string
	// At is when it comes due.
	At time.Time
	// Text is the message of a Proactive follow-up, unsigned.
	Text string
	// Intent, if set, is checked against the approved answer when sent.
	Intent string
	// Note is the agent's reminder to themselves.
	Note string
	// Notified reports that a FollowUpDue event was emitted for it.
	Notified bool
}

// Store keeps what must survive a restart of the desk, or be shared by
// several desk instances: conversations, acknowledgements already sent and
// scheduled follow-ups. Implementations must be safe for concurrent use.
// MemStore is the in-memory default.
type Store interface {
	// PutConversation saves a snapshot of a conversation.
	PutConversation(ctx context.Context, c Conversation) error
	// Conversations returns every saved conversation.
	Conversations(ctx context.Context) ([]Conversation, error)
	// MarkAcknowledged records the automatic acknowledgement of key,
	// atomically: it returns true only for the first call with key, so
	// that an acknowledgement is never sent twice, even by two desks.
	MarkAcknowledged(ctx context.Context, key string, at time.Time) (bool, error)
	// PutFollowUp saves or replaces a follow-up.
	PutFollowUp(ctx context.Context, f FollowUp) error
	// TakeFollowUp deletes a follow-up and reports whether it existed, so
	// that exactly one taker acts on it.
	TakeFollowUp(ctx context.Context, id string) (bool, error)
	// FollowUps returns the follow-ups due at or before until, oldest
	// first.
	FollowUps(ctx context.Context, until time.Time) ([]FollowUp, error)
}

// MemStore is the in-memory Store. The zero value is ready to use; it is
// safe for concurrent use. Its state ends with the process.
type MemStore struct {
	mu    sync.Mutex
	convs map[string]Conversation
	acks  map[string]time.Time
	fus   map[string]FollowUp
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{} }

// PutConversation implements Store.
func (s *MemStore) PutConversation(ctx context.Context, c Conversation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.convs == nil {
		s.convs = map[string]Conversation{}
	}
	s.convs[c.Key] = c.clone()
	return nil
}

// Conversations implements Store, in key order.
func (s *MemStore) Conversations(ctx context.Context) ([]Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Conversation, 0, len(s.convs))
	for _, c := range s.convs {
		out = append(out, c.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// MarkAcknowledged implements Store.
func (s *MemStore) MarkAcknowledged(ctx context.Context, key string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acks == nil {
		s.acks = map[string]time.Time{}
	}
	if _, ok := s.acks[key]; ok {
		return false, nil
	}
	s.acks[key] = at
	return true, nil
}

// PutFollowUp implements Store.
func (s *MemStore) PutFollowUp(ctx context.Context, f FollowUp) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fus == nil {
		s.fus = map[string]FollowUp{}
	}
	s.fus[f.ID] = f
	return nil
}

// TakeFollowUp implements Store.
func (s *MemStore) TakeFollowUp(ctx context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.fus[id]
	delete(s.fus, id)
	return ok, nil
}

// FollowUps implements Store.
func (s *MemStore) FollowUps(ctx context.Context, until time.Time) ([]FollowUp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []FollowUp
	for _, f := range s.fus {
		if !f.At.After(until) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b FollowUp) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return out, nil
}
