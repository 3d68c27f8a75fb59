package benchmarks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// items is how many items (jobs) each case seeds: BENCH_ITEMS, default
// 300,000, so that even the fastest case at 16 workers works for the whole
// BENCH_DURATION instead of draining the queue early.
var items = envInt("BENCH_ITEMS", 300_000)

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n >= 10_000 {
		return n / 10_000 * 10_000
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// setup connects, creates a fresh schema (dropped at the end) and returns
// a pool sized for workers.
func setup(b *testing.B, workers int) (*pgxpool.Pool, string) {
	url := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if url == "" {
		b.Skip("benchmarks: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL to run the queue benchmarks")
	}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(b, err)
	cfg.MaxConns = int32(workers + 4)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(b, err)
	var r [4]byte
	_, _ = rand.Read(r[:])
	schema := "bench_" + hex.EncodeToString(r[:])
	_, err = pool.Exec(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(b, err)
	b.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		pool.Close()
	})
	return pool, schema
}

// measure runs work until duration has passed or the items are nearly all
// finished, sampling the number of finished items with count every second.
// It reports the rate between the end of the warm-up and the last sample
// at which at least 2% of the items were still waiting (so that the idle
// tail after draining does not count), and logs the rate of each window.
func measure(b *testing.B, count func(context.Context) (int, error), run func(ctx context.Context)) {
	duration := envDuration("BENCH_DURATION", 30*time.Second)
	warmup := envDuration("BENCH_WARMUP", 5*time.Second)
	window := envDuration("BENCH_WINDOW", 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.ResetTimer()
	start := time.Now()
	go func() { defer close(done); run(ctx) }()

	sample := func() int {
		n, err := count(context.Background())
		require.NoError(b, err)
		return n
	}
	time.Sleep(warmup)
	n0, t0 := sample(), time.Now()
	lastN, lastT := n0, t0 // last sample with work still plentiful
	winN, winT := n0, t0
	var windows []string
	for time.Since(start) < duration {
		time.Sleep(time.Second)
		n, t := sample(), time.Now()
		if t.Sub(winT) >= window {
			windows = append(windows, fmt.Sprintf("%.0f", float64(n-winN)/t.Sub(winT).Seconds()))
			winN, winT = n, t
		}
		if n > items*98/100 {
			break
		}
		lastN, lastT = n, t
	}
	cancel()
	<-done
	b.StopTimer()
	rate := float64(lastN-n0) / lastT.Sub(t0).Seconds()
	b.ReportMetric(rate, "items/s")
	b.ReportMetric(lastT.Sub(start).Seconds(), "s")
	b.Logf("%d of %d items finished after %v; %.0f items/s from %v to %v; per %v window: %v",
		lastN, items, lastT.Sub(start).Round(time.Second), rate, warmup, lastT.Sub(start).Round(time.Second), window, windows)
}

// benchPgqueue: workers goroutines each Claim and Complete one item at a
// time (two calls per item), or, when fused, CompleteAndClaim each item
// and take the next in one call (after a first Claim), or, with batch > 1,
// ClaimBatch and CompleteBatch batch items at a time.
func benchPgqueue(b *testing.B, workers, batch int, fused bool) {
	pool, schema := setup(b, workers)
	ctx := context.Background()
	require.NoError(b, pgqueue.Migrate(ctx, pool, schema))
	s, err := pgqueue.New(pool, &pgqueue.Config{Schema: schema})
	require.NoError(b, err)
	defer s.Close()
	// Seed in bulk; rank spread so the claim walks the index.
	_, err = pool.Exec(ctx, "INSERT INTO "+schema+`.queue_item (key, channel, rank, enqueued_at, updated_at, state, unanswered, version)
		SELECT 'item-' || g, 'x', (g::bigint * 7919) % 100000, now(), now(), 1, 1, 1 FROM generate_series(1, $1) g`, items)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, "ANALYZE "+schema+".queue_item")
	require.NoError(b, err)
	for w := range workers {
		require.NoError(b, s.PutAgent(ctx, queuedriver.Agent{ID: fmt.Sprint("w", w), Online: true}))
	}
	count := func(ctx context.Context) (n int, err error) {
		err = pool.QueryRow(ctx, "SELECT count(*) FROM "+schema+".queue_item WHERE state = 4").Scan(&n)
		return n, err
	}
	measure(b, count, func(ctx context.Context) {
		var wg sync.WaitGroup
		for w := range workers {
			agent := fmt.Sprint("w", w)
			wg.Go(func() {
				ids := make([]string, batch)
				var held *queuedriver.Item // fused: the item to complete next
				for ctx.Err() == nil {
					now := time.Now()
					p := queuedriver.ClaimParams{Agent: agent, LeaseID: uuid.NewString(), ExpiresAt: now.Add(time.Minute), Now: now}
					if fused && held != nil {
						_, next, err := s.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: held.Key, LeaseID: held.LeaseID, Now: now}, p)
						if errors.Is(err, queuedriver.ErrNoItem) || ctx.Err() != nil {
							return
						}
						require.NoError(b, err)
						held = &next
						continue
					}
					if fused {
						it, err := s.Claim(ctx, p)
						if errors.Is(err, queuedriver.ErrNoItem) || ctx.Err() != nil {
							return
						}
						require.NoError(b, err)
						held = &it
						continue
					}
					if batch <= 1 {
						it, err := s.Claim(ctx, p)
						if errors.Is(err, queuedriver.ErrNoItem) || ctx.Err() != nil {
							return
						}
						require.NoError(b, err)
						_, err = s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: time.Now()})
						if ctx.Err() != nil {
							return
						}
						require.NoError(b, err)
						continue
					}
					for i := range ids {
						ids[i] = uuid.NewString()
					}
					got, err := s.ClaimBatch(ctx, p, ids)
					if errors.Is(err, queuedriver.ErrNoItem) || ctx.Err() != nil {
						return
					}
					require.NoError(b, err)
					refs := make([]queuedriver.LeaseRef, len(got))
					for i, it := range got {
						refs[i] = queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: time.Now()}
					}
					_, err = s.CompleteBatch(ctx, refs)
					if ctx.Err() != nil {
						return
					}
					require.NoError(b, err)
				}
			})
		}
		wg.Wait()
	})
}

// NoopArgs is River's no-op job.
type NoopArgs struct{}

// Kind implements river.JobArgs.
func (NoopArgs) Kind() string { return "noop" }

// NoopWorker does nothing.
type NoopWorker struct{ river.WorkerDefaults[NoopArgs] }

// Work implements river.Worker.
func (NoopWorker) Work(context.Context, *river.Job[NoopArgs]) error { return nil }

// benchRiver: a River client with MaxWorkers workers works no-op jobs.
// FetchCooldown is set to River's minimum (1ms; the default 100ms would
// cap River far below its best).
func benchRiver(b *testing.B, workers int) {
	pool, schema := setup(b, workers)
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: schema, Logger: quiet})
	require.NoError(b, err)
	_, err = migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	require.NoError(b, err)
	ws := river.NewWorkers()
	river.AddWorker(ws, &NoopWorker{})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Schema:        schema,
		Logger:        quiet,
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers:       ws,
		FetchCooldown: river.FetchCooldownMin,
	})
	require.NoError(b, err)
	params := make([]river.InsertManyParams, 10_000)
	for i := range params {
		params[i] = river.InsertManyParams{Args: NoopArgs{}}
	}
	for range items / len(params) {
		_, err := client.InsertManyFast(ctx, params)
		require.NoError(b, err)
	}
	_, err = pool.Exec(ctx, "ANALYZE "+schema+".river_job")
	require.NoError(b, err)
	count := func(ctx context.Context) (n int, err error) {
		err = pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, "river_job"}.Sanitize()+" WHERE state = 'completed'").Scan(&n)
		return n, err
	}
	measure(b, count, func(ctx context.Context) {
		require.NoError(b, client.Start(context.Background()))
		<-ctx.Done()
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		require.NoError(b, client.Stop(stopCtx))
	})
}

// BenchmarkClaimComplete runs, for 1, 4 and 16 workers, River and pgqueue
// side by side on the same database, each over BENCH_ITEMS items (300,000)
// for BENCH_DURATION (30s). pgqueue works one item at a time with Claim
// and Complete (pgqueue), one item at a time with CompleteAndClaim
// (pgqueue-fused), and in batches of 10 (pgqueue-batch10).
func BenchmarkClaimComplete(b *testing.B) {
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("workers=%d/impl=river", workers), func(b *testing.B) { benchRiver(b, workers) })
		b.Run(fmt.Sprintf("workers=%d/impl=pgqueue", workers), func(b *testing.B) { benchPgqueue(b, workers, 1, false) })
		b.Run(fmt.Sprintf("workers=%d/impl=pgqueue-fused", workers), func(b *testing.B) { benchPgqueue(b, workers, 1, true) })
		b.Run(fmt.Sprintf("workers=%d/impl=pgqueue-batch10", workers), func(b *testing.B) { benchPgqueue(b, workers, 10, false) })
	}
}
