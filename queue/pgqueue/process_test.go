package pgqueue_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// The reliability tests re-execute the test binary as child processes;
// TestMain sends a child to its role.
const childEnv = "PGQUEUE_TEST_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		if err := runChild(role); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var testWeights = queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}

func runChild(role string) error {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv(dbURLEnv))
	if err != nil {
		return err
	}
	defer pool.Close()
	s, err := pgqueue.New(pool, &pgqueue.Config{Schema: os.Getenv("PGQUEUE_TEST_SCHEMA")})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	switch role {
	case "crash":
		return crashChild(ctx, s, out)
	case "drain":
		return drainChild(ctx, s, out)
	}
	return fmt.Errorf("unknown role %q", role)
}

// crashChild claims items, completes some, reports the rest as held and
// waits to be killed.
func crashChild(ctx context.Context, s *pgqueue.Store, out *bufio.Writer) error {
	ttl, _ := time.ParseDuration(os.Getenv("PGQUEUE_TEST_TTL"))
	n, _ := strconv.Atoi(os.Getenv("PGQUEUE_TEST_N"))
	for i := range n {
		now := time.Now()
		it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "crasher", LeaseID: uuid.NewString(), ExpiresAt: now.Add(ttl), Now: now})
		if err != nil {
			return err
		}
		if i%3 == 0 {
			if _, err := s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: time.Now()}); err != nil {
				return err
			}
			fmt.Fprintln(out, "DONE", it.Key)
			continue
		}
		fmt.Fprintln(out, "HELD", it.Key, it.LeaseID)
	}
	fmt.Fprintln(out, "READY")
	if err := out.Flush(); err != nil {
		return err
	}
	select {} // hold the leases until SIGKILL
}

// drainChild runs workers that claim and complete until the queue is empty,
// printing every completed key.
func drainChild(ctx context.Context, s *pgqueue.Store, out *bufio.Writer) error {
	workers, _ := strconv.Atoi(os.Getenv("PGQUEUE_TEST_WORKERS"))
	batch, _ := strconv.Atoi(os.Getenv("PGQUEUE_TEST_BATCH"))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		agent := fmt.Sprintf("drain-%d-%d", os.Getpid(), w)
		if err := s.PutAgent(ctx, queuedriver.Agent{ID: agent, Online: true, Since: time.Now()}); err != nil {
			return err
		}
		wg.Go(func() {
			for {
				keys, err := drainOnce(ctx, s, agent, batch)
				if errors.Is(err, queuedriver.ErrNoItem) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, k := range keys {
					fmt.Fprintln(out, "DONE", k)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// drainOnce claims and completes one item (batch 0) or a batch of items.
func drainOnce(ctx context.Context, s *pgqueue.Store, agent string, batch int) ([]string, error) {
	now := time.Now()
	p := queuedriver.ClaimParams{Agent: agent, LeaseID: uuid.NewString(), ExpiresAt: now.Add(time.Minute), Now: now}
	if batch == 0 {
		it, err := s.Claim(ctx, p)
		if err != nil {
			return nil, err
		}
		if _, err := s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: time.Now()}); err != nil {
			return nil, err
		}
		return []string{it.Key}, nil
	}
	ids := make([]string, batch)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	items, err := s.ClaimBatch(ctx, p, ids)
	if err != nil {
		return nil, err
	}
	refs := make([]queuedriver.LeaseRef, len(items))
	for i, it := range items {
		refs[i] = queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: time.Now()}
	}
	done, err := s.CompleteBatch(ctx, refs)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(done))
	for i, it := range done {
		keys[i] = it.Key
	}
	return keys, nil
}

// child starts the test binary in role with env.
func child(t *testing.T, role, schema string, env ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + role, "PGQUEUE_TEST_SCHEMA=" + schema}, env...)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	return cmd, sc
}

// seed enqueues n items named prefix-i in one transaction.
func seed(t *testing.T, s *pgqueue.Store, pool *pgxpool.Pool, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for i := range n {
			if _, err := s.UpsertTx(ctx, tx, queuedriver.UpsertParams{
				Key: fmt.Sprintf("%s-%05d", prefix, i), Channel: "x", Team: "care",
				Score: float64(i % 97), Weights: testWeights, Now: now,
			}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestCrashedHolderLosesNothing kills a process with SIGKILL while it holds
// leases: after the TTL another process gets every held item, none is lost
// and none is completed twice.
func TestCrashedHolderLosesNothing(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, nil)
	ctx := context.Background()
	const total, claimedByChild = 150, 60
	const ttl = 6 * time.Second // long enough for the early drain on a loaded 2-core machine
	seed(t, s, pool, "crash", total)
	for _, a := range []string{"crasher", "survivor"} {
		require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: a, Online: true, Since: time.Now()}))
	}

	cmd, out := child(t, "crash", s.Schema(), "PGQUEUE_TEST_TTL="+ttl.String(), fmt.Sprint("PGQUEUE_TEST_N=", claimedByChild))
	held := map[string]string{} // key → the dead child's lease id
	doneByChild := map[string]bool{}
	for out.Scan() {
		f := strings.Fields(out.Text())
		if f[0] == "READY" {
			break
		}
		switch f[0] {
		case "HELD":
			held[f[1]] = f[2]
		case "DONE":
			doneByChild[f[1]] = true
		}
	}
	require.Len(t, held, 40)
	require.Len(t, doneByChild, 20)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	killedAt := time.Now()

	completed := map[string]int{}
	drain := func() (keys []string) {
		for {
			now := time.Now()
			it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "survivor", LeaseID: uuid.NewString(), ExpiresAt: now.Add(time.Minute), Now: now})
			if errors.Is(err, queuedriver.ErrNoItem) {
				return keys
			}
			require.NoError(t, err)
			_, err = s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID, Now: time.Now()})
			require.NoError(t, err)
			completed[it.Key]++
			keys = append(keys, it.Key)
		}
	}
	// Before the TTL: the survivor gets only what nobody held.
	early := drain()
	require.Less(t, time.Since(killedAt), ttl, "the early drain was too slow to prove anything")
	require.Len(t, early, total-claimedByChild)
	for _, k := range early {
		require.NotContains(t, held, k, "%s was taken while its lease was live", k)
		require.NotContains(t, doneByChild, k)
	}
	// After the TTL: exactly the held items come back.
	time.Sleep(time.Until(killedAt.Add(ttl + 100*time.Millisecond)))
	late := drain()
	require.Len(t, late, len(held))
	for _, k := range late {
		require.Contains(t, held, k)
	}
	// The dead holder's leases are gone for good.
	for k, lease := range held {
		_, err := s.Complete(ctx, queuedriver.LeaseRef{Key: k, LeaseID: lease, Now: time.Now()})
		require.ErrorIs(t, err, queuedriver.ErrLeaseLost)
	}
	for k := range doneByChild {
		require.Zero(t, completed[k], "%s completed twice", k)
		completed[k]++
	}
	require.Len(t, completed, total)
	for k, n := range completed {
		require.Equal(t, 1, n, "%s completed %d times", k, n)
		it, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.Equal(t, queuedriver.Done, it.State)
		want := 1
		if _, ok := held[k]; ok {
			want = 2
		}
		require.Equal(t, want, it.Claims, k)
	}
}

// TestTwoProcessesDrainExactlyOnce has two processes with eight workers
// each drain 20,000 items; every item is completed exactly once. One
// process claims and completes one item at a time, the other in batches.
func TestTwoProcessesDrainExactlyOnce(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t, nil)
	const total = 20000
	seed(t, s, pool, "drain", total)
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	completed := map[string]int{}
	perProcess := make([]int, 2)
	for p, batch := range []string{"0", "8"} {
		cmd, out := child(t, "drain", s.Schema(), "PGQUEUE_TEST_WORKERS=8", "PGQUEUE_TEST_BATCH="+batch)
		wg.Go(func() {
			for out.Scan() {
				f := strings.Fields(out.Text())
				mu.Lock()
				completed[f[1]]++
				perProcess[p]++
				mu.Unlock()
			}
			require.NoError(t, cmd.Wait())
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("drained %d items in %v (%.0f/s); per process %v", len(completed), elapsed, float64(total)/elapsed.Seconds(), perProcess)
	require.Len(t, completed, total)
	for k, n := range completed {
		require.Equal(t, 1, n, "%s completed %d times", k, n)
	}
	require.Positive(t, perProcess[0])
	require.Positive(t, perProcess[1])
	var done, claims int
	require.NoError(t, pool.QueryRow(context.Background(),
		"SELECT count(*) FILTER (WHERE state = 4), sum(claims) FROM "+pgx.Identifier{s.Schema(), "queue_item"}.Sanitize()).Scan(&done, &claims))
	require.Equal(t, total, done)
	require.Equal(t, total, claims, "an item was claimed more than once")
}
