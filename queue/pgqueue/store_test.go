package pgqueue_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

var _ queuedriver.Store = (*pgqueue.Store)(nil)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func TestUpsertTxCommitsWithTheCallersTransaction(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, nil)
	ctx := context.Background()
	p := queuedriver.UpsertParams{Key: "T-1", Channel: "x", Score: 5, Weights: testWeights, Now: t0}

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	_, err = s.UpsertTx(ctx, tx, p)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	_, err = s.Get(ctx, "T-1")
	require.ErrorIs(t, err, queuedriver.ErrNotFound)

	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := s.UpsertTx(ctx, tx, p)
		return err
	}))
	it, err := s.Get(ctx, "T-1")
	require.NoError(t, err)
	require.Equal(t, queuedriver.Waiting, it.State)

	_, err = s.UpsertTx(ctx, nil, p)
	require.Error(t, err)
	tx, err = pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck
	_, err = s.UpsertTx(ctx, tx, queuedriver.UpsertParams{Key: ""})
	require.Error(t, err)
}

func TestNotifyWakesOtherInstances(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, &pgqueue.Config{ListenRetry: 50 * time.Millisecond})
	other, err := pgqueue.New(pool, &pgqueue.Config{Schema: s.Schema()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	wake := s.Notify(ctx)
	wake2 := s.Notify(ctx)
	// The listener connects in the background; keep enqueueing until it
	// hears one.
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		_, err := other.Upsert(context.Background(), queuedriver.UpsertParams{Key: "k", Weights: testWeights, Now: t0.Add(time.Duration(i) * time.Second)})
		require.NoError(t, err)
		select {
		case <-wake:
		case <-time.After(100 * time.Millisecond):
			continue
		case <-deadline:
			t.Fatal("no notification within 10s")
		}
		break
	}
	select {
	case <-wake2:
	case <-time.After(5 * time.Second):
		t.Fatal("second subscriber not woken")
	}
	cancel()
	_, open := <-wake
	for open { // drain a pending value, then see it closed
		_, open = <-wake
	}
	s.Close()
}

func TestNotifyDisabledStaysQuiet(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, &pgqueue.Config{DisableNotify: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wake := s.Notify(ctx)
	time.Sleep(200 * time.Millisecond) // let the listener connect
	for len(wake) > 0 {
		<-wake
	}
	_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: "k", Weights: testWeights, Now: t0})
	require.NoError(t, err)
	select {
	case <-wake:
		t.Fatal("woken although notifications are disabled")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestBatchClaimAndComplete(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, nil)
	ctx := context.Background()
	for i, k := range []string{"a", "b", "c", "d"} {
		_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: k, Score: float64(10 - i), Weights: testWeights, Now: t0})
		require.NoError(t, err)
	}
	require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: "ann", Capacity: 3, Online: true}))
	p := queuedriver.ClaimParams{Agent: "ann", ExpiresAt: t0.Add(time.Minute), Now: t0}
	items, err := s.ClaimBatch(ctx, p, []string{"l1", "l2", "l3", "l4"})
	require.NoError(t, err)
	require.Len(t, items, 3, "capacity 3 caps the batch")
	for i, want := range []string{"a", "b", "c"} {
		require.Equal(t, want, items[i].Key)
		require.Equal(t, []string{"l1", "l2", "l3"}[i], items[i].LeaseID)
	}
	_, err = s.ClaimBatch(ctx, p, []string{"l5"})
	require.ErrorIs(t, err, queuedriver.ErrAtCapacity)
	_, err = s.ClaimBatch(ctx, p, nil)
	require.Error(t, err)

	now := t0.Add(time.Second)
	done, err := s.CompleteBatch(ctx, []queuedriver.LeaseRef{
		{Key: "a", LeaseID: "l1", Now: now}, {Key: "b", LeaseID: "wrong", Now: now}, {Key: "c", LeaseID: "l3", Now: now},
	})
	var lost *pgqueue.LeaseLostError
	require.ErrorAs(t, err, &lost)
	require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
	require.Equal(t, []string{"b"}, lost.Keys)
	require.Len(t, done, 2)
	for _, it := range done {
		require.Equal(t, queuedriver.Done, it.State)
	}
	done, err = s.CompleteBatch(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, done)
}

func TestMigrateIsIdempotentAndReversible(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	schema := newSchema(t, pool)
	ctx := context.Background()
	require.NoError(t, pgqueue.Migrate(ctx, pool, schema))
	v, err := pgqueue.SchemaVersion(ctx, pool, schema)
	require.NoError(t, err)
	require.Equal(t, pgqueue.LatestVersion, v)
	require.NoError(t, pgqueue.MigrateTo(ctx, pool, schema, 0))
	v, err = pgqueue.SchemaVersion(ctx, pool, schema)
	require.NoError(t, err)
	require.Zero(t, v)
	var exists bool
	require.NoError(t, pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", pgx.Identifier{schema, "queue_item"}.Sanitize()).Scan(&exists))
	require.False(t, exists)
	require.Error(t, pgqueue.MigrateTo(ctx, pool, schema, 99))
	// Concurrent start-ups migrate once.
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- pgqueue.Migrate(ctx, pool, schema) }()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
	v, err = pgqueue.SchemaVersion(ctx, pool, schema)
	require.NoError(t, err)
	require.Equal(t, pgqueue.LatestVersion, v)
	v, err = pgqueue.SchemaVersion(ctx, pool, schema+"_never")
	require.NoError(t, err)
	require.Zero(t, v)
}

func TestUnreachableDatabaseIsRetryable(t *testing.T) {
	t.Parallel()
	// Port 1 on localhost refuses connections: no PostgreSQL needed.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.NoError(t, err)
	defer pool.Close()
	s, err := pgqueue.New(pool, nil)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = s.Get(ctx, "k")
	require.ErrorIs(t, err, pgqueue.ErrUnavailable)
	require.True(t, pgqueue.Retryable(err))
	_, err = s.Claim(ctx, queuedriver.ClaimParams{Agent: "a", LeaseID: "l", Now: t0})
	require.True(t, pgqueue.Retryable(err), "%v", err)
	require.False(t, errors.Is(err, queuedriver.ErrNoItem))

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Get(cctx, "k")
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, pgqueue.Retryable(err))
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := pgqueue.New(nil, nil)
	require.ErrorIs(t, err, pgqueue.ErrInvalid, "a nil pool")
	require.ErrorIs(t, err, queue.ErrInvalid, "pgqueue.ErrInvalid is queue.ErrInvalid")
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	require.NoError(t, err)
	defer pool.Close()
	_, err = pgqueue.New(pool, &pgqueue.Config{NotifyChannel: string(make([]byte, 64))})
	require.ErrorIs(t, err, pgqueue.ErrInvalid, "a NotifyChannel too long")
	_, err = pgqueue.New(pool, &pgqueue.Config{Schema: strings.Repeat("s", 60)})
	require.ErrorIs(t, err, pgqueue.ErrInvalid, "a Schema too long for the default NotifyChannel")
	_, err = pgqueue.New(pool, &pgqueue.Config{ListenRetry: -1})
	require.ErrorIs(t, err, pgqueue.ErrInvalid, "a negative ListenRetry")
}
