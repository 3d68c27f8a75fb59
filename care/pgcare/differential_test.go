package pgcare_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caredrivertest"
)

// TestDifferential runs the same random operations on a pgcare.Store and
// a care.MemStore, the reference, and requires the same results: errors of
// the same kind, the same conversations, keys, marks, follow-ups and purge
// counts. Times are distinct whole microseconds, so that the order of a
// limited purge is defined.
func TestDifferential(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			pg, _ := newStore(t)
			differential(t, seed, pg, care.NewMemStore())
		})
	}
}

func differential(t *testing.T, seed uint64, pg, mem care.Store) {
	rng := rand.New(rand.NewPCG(seed, 42))
	tick := 0
	// at returns a time near now, distinct from every other at returns.
	at := func(now time.Time, spread time.Duration) time.Time {
		tick++
		return now.Add(time.Duration(rng.Int64N(int64(spread))) - spread/2).Truncate(time.Second).Add(time.Duration(tick) * time.Microsecond)
	}
	kind := func(err error) string {
		switch {
		case err == nil:
			return "ok"
		case errors.Is(err, care.ErrConflict):
			return "conflict"
		case errors.Is(err, care.ErrDuplicate):
			return "duplicate"
		case errors.Is(err, care.ErrUnknownConversation):
			return "unknown"
		}
		return err.Error()
	}
	saves := map[string]int{}
	var purged care.Purged
	convKeys := []string{"x:b:1", "x:b:2", "x:b:3", "x:b:4", "x:b:5"}
	now := t0
	for op := range 400 {
		now = now.Add(time.Duration(rng.IntN(6)) * time.Hour)
		step := fmt.Sprintf("op %d", op)
		key := convKeys[rng.IntN(len(convKeys))]
		switch r := rng.IntN(10); {
		case r < 4: // a save, from the stored version or a stale or made-up one
			c, err := mem.Conversation(ctx, key)
			cp, errp := pg.Conversation(ctx, key)
			require.Equal(t, kind(err), kind(errp), step)
			require.Empty(t, caredrivertest.Diff(c, cp), step)
			if err != nil {
				c = caredrivertest.Conversation(key)
			}
			switch rng.IntN(8) {
			case 0:
				c.Version = rng.Int64N(4)
			case 1, 2:
				c.Since, c.ResolvedAt = time.Time{}, at(now, 30*24*time.Hour)
			case 3:
				c.Since, c.ResolvedAt = at(now, time.Hour), time.Time{}
			}
			c.Unanswered = op
			var seen []care.SeenKey
			for range rng.IntN(3) {
				seen = append(seen, care.SeenKey{Key: fmt.Sprint("m", rng.IntN(12)), Expires: at(now, 4*24*time.Hour)})
			}
			cp = c
			err = mem.SaveConversation(ctx, &c, seen, now)
			errp = pg.SaveConversation(ctx, &cp, seen, now)
			require.Equal(t, kind(err), kind(errp), "%s: save %s v%d", step, key, c.Version)
			saves[kind(err)]++
			require.Equal(t, c.Version, cp.Version, step)
		case r < 5:
			k := fmt.Sprint("m", rng.IntN(12))
			a, err := mem.Seen(ctx, k, now)
			require.NoError(t, err)
			b, err := pg.Seen(ctx, k, now)
			require.NoError(t, err)
			require.Equal(t, a, b, "%s: seen %s", step, k)
		case r < 6:
			cycle := rng.IntN(5)
			a, err := mem.MarkAcknowledged(ctx, key, cycle, now)
			require.NoError(t, err)
			b, err := pg.MarkAcknowledged(ctx, key, cycle, now)
			require.NoError(t, err)
			require.Equal(t, a, b, "%s: mark %s %d", step, key, cycle)
		case r < 7:
			f := caredrivertest.FollowUp(fmt.Sprint("f", rng.IntN(8)), key, at(now, 48*time.Hour))
			require.NoError(t, mem.PutFollowUp(ctx, f))
			require.NoError(t, pg.PutFollowUp(ctx, f))
		case r < 8:
			id := fmt.Sprint("f", rng.IntN(8))
			a, err := mem.TakeFollowUp(ctx, id)
			require.NoError(t, err)
			b, err := pg.TakeFollowUp(ctx, id)
			require.NoError(t, err)
			require.Equal(t, a, b, "%s: take %s", step, id)
		case r < 9:
			p := care.PurgeParams{ResolvedBefore: now.Add(-time.Duration(rng.IntN(10)) * 24 * time.Hour), Now: now, Limit: rng.IntN(3)}
			a, err := mem.Purge(ctx, p)
			require.NoError(t, err)
			b, err := pg.Purge(ctx, p)
			require.NoError(t, err)
			require.Equal(t, a, b, "%s: purge %+v", step, p)
			purged.Conversations += a.Conversations
			purged.SeenKeys += a.SeenKeys
		default:
			a, err := mem.OpenConversations(ctx)
			require.NoError(t, err)
			b, err := pg.OpenConversations(ctx)
			require.NoError(t, err)
			require.Empty(t, caredrivertest.Diff(a, b), step)
			fa, err := mem.FollowUps(ctx, now)
			require.NoError(t, err)
			fb, err := pg.FollowUps(ctx, now)
			require.NoError(t, err)
			require.Empty(t, caredrivertest.Diff(fa, fb), step)
		}
	}
	// The operations must exercise every outcome.
	t.Logf("saves %v, purged %+v", saves, purged)
	for _, k := range []string{"ok", "conflict", "duplicate"} {
		require.NotZero(t, saves[k], "no save ended %s", k)
	}
	require.NotZero(t, purged.Conversations)
	require.NotZero(t, purged.SeenKeys)
}
