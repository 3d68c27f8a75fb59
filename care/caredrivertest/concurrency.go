package caredrivertest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
)

func testConcurrentSaves(t *testing.T, s care.Store) {
	c := open("x:b:race", t0)
	save(t, s, &c, t0)
	for round := range rounds {
		base := load(t, s, c.Key)
		start := make(chan struct{})
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				mine := base.Clone()
				mine.Team = fmt.Sprintf("writer-%d", w)
				<-start
				errs[w] = s.SaveConversation(ctx, &mine, nil, t0)
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "round %d: two saves from version %d both won", round, base.Version)
				winner = w
				continue
			}
			require.ErrorIs(t, err, care.ErrConflict, "round %d", round)
		}
		require.NotEqual(t, -1, winner, "round %d: no save won", round)
		got := load(t, s, c.Key)
		require.Equal(t, base.Version+1, got.Version)
		require.Equal(t, fmt.Sprintf("writer-%d", winner), got.Team, "the winner's value is stored")
	}
}

func testNoLostUpdate(t *testing.T, s care.Store) {
	c := open("x:b:counter", t0)
	save(t, s, &c, t0)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := 0; i < rounds; {
				cur, err := s.Conversation(ctx, c.Key)
				if err != nil {
					errs <- err
					return
				}
				cur.Unanswered++
				cur.Transcript = append(cur.Transcript, care.Turn{Role: care.Human, Agent: fmt.Sprint(w), ID: fmt.Sprintf("%d-%d", w, i)})
				key := care.SeenKey{Key: fmt.Sprintf("lost-%d-%d", w, i), Expires: t0.Add(time.Hour)}
				switch err := s.SaveConversation(ctx, &cur, []care.SeenKey{key}, t0); {
				case err == nil:
					i++
				case !errors.Is(err, care.ErrConflict):
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got := load(t, s, c.Key)
	require.Equal(t, writers*rounds, got.Unanswered, "an update was lost")
	require.Len(t, got.Transcript, 1+writers*rounds)
	require.EqualValues(t, 1+writers*rounds, got.Version)
	for w := range writers {
		for i := range rounds {
			require.True(t, seen(t, s, fmt.Sprintf("lost-%d-%d", w, i), t0))
		}
	}
}

// testConcurrentDedup: desks take one redelivered message at once, each
// into a conversation of its own; exactly one takes it.
func testConcurrentDedup(t *testing.T, s care.Store) {
	for round := range rounds {
		start := make(chan struct{})
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				c := open(fmt.Sprintf("x:b:dedup-%d-%d", round, w), t0)
				key := care.SeenKey{Key: fmt.Sprintf("redelivered-%d", round), Expires: t0.Add(time.Hour)}
				<-start
				errs[w] = s.SaveConversation(ctx, &c, []care.SeenKey{key}, t0)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for w, err := range errs {
			if err == nil {
				won++
				continue
			}
			require.ErrorIs(t, err, care.ErrDuplicate, "round %d", round)
			requireUnknown(t, s, fmt.Sprintf("x:b:dedup-%d-%d", round, w))
		}
		require.Equal(t, 1, won, "round %d: exactly one save takes the message", round)
	}
}

// testConcurrentOnce: several desks acknowledge one cycle, or take one
// follow-up, at once; exactly one does.
func testConcurrentOnce(t *testing.T, s care.Store) {
	for round := range rounds {
		id := fmt.Sprintf("fu-%d", round)
		require.NoError(t, s.PutFollowUp(ctx, FollowUp(id, "k", t0)))
		start := make(chan struct{})
		var acked, took, failed [writers]bool
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				<-start
				ok, err := s.MarkAcknowledged(ctx, "x:b:once", round+1, t0)
				acked[w], failed[w] = ok, err != nil
				ok, err = s.TakeFollowUp(ctx, id)
				took[w], failed[w] = ok, failed[w] || err != nil
			})
		}
		close(start)
		wg.Wait()
		count := func(bs [writers]bool) (n int) {
			for _, b := range bs {
				if b {
					n++
				}
			}
			return n
		}
		require.Zero(t, count(failed), "round %d: errors", round)
		require.Equal(t, 1, count(acked), "round %d: a cycle acknowledged by %d desks", round, count(acked))
		require.Equal(t, 1, count(took), "round %d: a follow-up taken by %d desks", round, count(took))
	}
}
