package pgcare_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// committerDesk returns a desk on a fresh schema, the queue store beside
// its own, and the desk clock's time.
func committerDesk(t *testing.T) (*pgDesk, *pgqueue.Store, time.Time) {
	t.Helper()
	schema := sharedSchema(t)
	clk := caretest.NewClock(caretest.Start)
	d := newPGDesk(t, schema, "desk-a", clk, &recorder{}, care.Config{}, nil)
	qs, err := pgqueue.New(d.pool, &pgqueue.Config{Schema: schema})
	require.NoError(t, err)
	return d, qs, clk.Now()
}

// firstVersionItem checks that the conversation key is still at its first
// version, and returns its queue item.
func firstVersionItem(t *testing.T, d *pgDesk, qs *pgqueue.Store, key, msg string) queuedriver.Item {
	t.Helper()
	got, err := d.store.Conversation(ctx, key)
	require.NoError(t, err)
	require.EqualValues(t, 1, got.Version, msg)
	it, err := qs.Get(ctx, key)
	require.NoError(t, err)
	return it
}

// A save with its queue item is one round trip and one transaction: a
// conflict, a dedup key already marked or a failed upsert leaves the
// conversation, the keys and the item as they were.
func TestSaveQueuedIsAllOrNothing(t *testing.T) {
	t.Parallel()
	d, qs, now := committerDesk(t)
	key := func(k string) []care.SeenKey { return []care.SeenKey{{Key: k, Expires: now.Add(time.Hour)}} }
	item := queuedriver.UpsertParams{Key: "x:brand:c1", Channel: "x", Score: 10, Now: now}
	c := care.Conversation{Key: "x:brand:c1", Channel: channel.X, Account: "brand", Cycle: 1, Since: now}
	stale := c

	require.NoError(t, d.store.SaveConversationQueued(ctx, &c, key("m1"), now, item))
	require.EqualValues(t, 1, c.Version)
	it, err := qs.Get(ctx, c.Key)
	require.NoError(t, err)
	require.EqualValues(t, 1, it.Version)
	unchanged := func(msg string) {
		t.Helper()
		it := firstVersionItem(t, d, qs, c.Key, msg)
		require.EqualValues(t, 1, it.Version, "%s: the item was not upserted", msg)
	}

	// A stale version: ErrConflict, and neither its key nor its item.
	require.ErrorIs(t, d.store.SaveConversationQueued(ctx, &stale, key("m2"), now, item), care.ErrConflict)
	require.Zero(t, stale.Version)
	unchanged("conflict")
	seen, err := d.store.Seen(ctx, "m2", now)
	require.NoError(t, err)
	require.False(t, seen, "the conflicting save's key was not marked")

	// A key already marked: ErrDuplicate, and the conversation rolled back.
	require.ErrorIs(t, d.store.SaveConversationQueued(ctx, &c, append(key("m3"), key("m1")...), now, item), care.ErrDuplicate)
	require.EqualValues(t, 1, c.Version)
	unchanged("duplicate")
	seen, err = d.store.Seen(ctx, "m3", now)
	require.NoError(t, err)
	require.False(t, seen, "the other key of the refused save was rolled back")

	// The upsert fails in the database (text cannot hold NUL): all of it
	// rolls back.
	bad := item
	bad.Team = "a\x00b"
	err = d.store.SaveConversationQueued(ctx, &c, key("m4"), now, bad)
	require.Error(t, err)
	require.NotErrorIs(t, err, care.ErrConflict)
	require.NotErrorIs(t, err, care.ErrDuplicate)
	require.ErrorContains(t, err, "enqueue")
	unchanged("failed upsert")
	seen, err = d.store.Seen(ctx, "m4", now)
	require.NoError(t, err)
	require.False(t, seen)

	// The same save, valid: all of it commits.
	require.NoError(t, d.store.SaveConversationQueued(ctx, &c, key("m4"), now, item))
	require.EqualValues(t, 2, c.Version)
	it, err = qs.Get(ctx, c.Key)
	require.NoError(t, err)
	require.EqualValues(t, 2, it.Version)
}

// A resolution with its item's completion is one transaction: a conflict
// or a lost lease leaves both as they were.
func TestSaveCompletedIsAllOrNothing(t *testing.T) {
	t.Parallel()
	d, qs, now := committerDesk(t)
	c := care.Conversation{Key: "x:brand:c1", Channel: channel.X, Account: "brand", Cycle: 1, Since: now}
	require.NoError(t, d.store.SaveConversationQueued(ctx, &c, nil, now, queuedriver.UpsertParams{Key: c.Key, Channel: "x", Now: now}))
	require.NoError(t, qs.PutAgent(ctx, queuedriver.Agent{ID: "ana", Online: true}))
	_, err := qs.Claim(ctx, queuedriver.ClaimParams{Agent: "ana", LeaseID: "L1", ExpiresAt: now.Add(time.Minute), Now: now})
	require.NoError(t, err)
	lease := queuedriver.LeaseRef{Key: c.Key, LeaseID: "L1", Now: now}
	stale := c
	stale.Version = 0
	c.ResolvedAt = now
	stillClaimed := func(msg string) {
		t.Helper()
		it := firstVersionItem(t, d, qs, c.Key, msg)
		require.Equal(t, queuedriver.Claimed, it.State, msg)
	}

	_, err = d.store.SaveConversationCompleted(ctx, &stale, now, lease)
	require.ErrorIs(t, err, care.ErrConflict)
	stillClaimed("conflict")

	lost := lease
	lost.LeaseID = "L0"
	_, err = d.store.SaveConversationCompleted(ctx, &c, now, lost)
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
	require.EqualValues(t, 1, c.Version)
	stillClaimed("lost lease")

	it, err := d.store.SaveConversationCompleted(ctx, &c, now, lease)
	require.NoError(t, err)
	require.EqualValues(t, 2, c.Version)
	require.Equal(t, queuedriver.Done, it.State)
	it, err = qs.Get(ctx, c.Key)
	require.NoError(t, err)
	require.Equal(t, queuedriver.Done, it.State)
}
