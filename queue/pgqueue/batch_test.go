package pgqueue_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// QueueUpsert and QueueComplete run with the caller's statements in one
// round trip: the upsert commits or rolls back with the batch's implicit
// transaction, and a lost lease is the batch's error.
func TestQueueUpsertAndCompleteInTheCallersBatch(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, nil)
	ctx := context.Background()
	p := queuedriver.UpsertParams{Key: "T-1", Channel: "x", Score: 5, Weights: testWeights, Now: t0}

	// A later statement of the batch fails: the upsert rolls back with it.
	b := &pgx.Batch{}
	require.NoError(t, s.QueueUpsert(b, p, nil))
	b.Queue("SELECT 1/0")
	require.Error(t, pool.SendBatch(ctx, b).Close())
	_, err := s.Get(ctx, "T-1")
	require.ErrorIs(t, err, queuedriver.ErrNotFound)

	// Alone, it commits and hands back the item.
	var it queuedriver.Item
	b = &pgx.Batch{}
	require.NoError(t, s.QueueUpsert(b, p, &it))
	require.NoError(t, pool.SendBatch(ctx, b).Close())
	require.Equal(t, "T-1", it.Key)
	require.Equal(t, queuedriver.Waiting, it.State)
	got, err := s.Get(ctx, "T-1")
	require.NoError(t, err)
	require.Equal(t, it.Version, got.Version)

	// Invalid parameters are refused before anything is queued.
	b = &pgx.Batch{}
	require.Error(t, s.QueueUpsert(b, queuedriver.UpsertParams{Key: ""}, nil))
	require.Zero(t, b.Len())
	require.Error(t, s.QueueUpsert(nil, p, nil))
	require.Error(t, s.QueueComplete(nil, queuedriver.LeaseRef{Key: "T-1"}, nil))

	require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: "a", Online: true}))
	claimed, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", LeaseID: "L1", ExpiresAt: t0.Add(time.Minute), Now: t0})
	require.NoError(t, err)
	require.Equal(t, "T-1", claimed.Key)

	// A lost lease is the batch's error, ErrLeaseLost; in a transaction
	// the caller then rolls back.
	b = &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	require.NoError(t, s.QueueComplete(b, queuedriver.LeaseRef{Key: "T-1", LeaseID: "other", Now: t0}, nil))
	br := pool.SendBatch(ctx, b)
	err = br.Close()
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
	require.NoError(t, br.Tx().Rollback(ctx))
	got, err = s.Get(ctx, "T-1")
	require.NoError(t, err)
	require.Equal(t, queuedriver.Claimed, got.State)

	// The current lease completes, in the caller's transaction.
	b = &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	require.NoError(t, s.QueueComplete(b, queuedriver.LeaseRef{Key: "T-1", LeaseID: "L1", Now: t0}, &it))
	br = pool.SendBatch(ctx, b)
	require.NoError(t, br.Close())
	require.NoError(t, br.Tx().Commit(ctx))
	require.Equal(t, queuedriver.Done, it.State)
	got, err = s.Get(ctx, "T-1")
	require.NoError(t, err)
	require.Equal(t, queuedriver.Done, got.State)
}
