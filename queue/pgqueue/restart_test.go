package pgqueue_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// restartEnv names the shell command that restarts the test database
// server, e.g. "pg_ctlcluster --skip-systemctl-redirect 15 main restart".
const restartEnv = "SOCIALCARE_TEST_PG_RESTART_CMD"

// TestSurvivesPostgresRestart restarts PostgreSQL while workers claim and
// complete: operations fail with a retryable error, the workers resume,
// and every item is completed, none twice. It is deliberately not
// parallel: Go runs it before the parallel tests resume, so the restart
// breaks no other test.
func TestSurvivesPostgresRestart(t *testing.T) {
	restart := os.Getenv(restartEnv)
	if restart == "" {
		t.Skipf("pgqueue: %s is not set; set it to the command that restarts the test PostgreSQL (e.g. pg_ctlcluster --skip-systemctl-redirect 15 main restart) to run the restart test", restartEnv)
	}
	s, pool := newStore(t, nil)
	const total = 3000
	const ttl = 2 * time.Second
	seed(t, s, pool, "restart", total)
	ctx := context.Background()

	var retryable atomic.Int64
	var mu sync.Mutex
	completed := map[string]int{}
	ambiguous := map[string]bool{} // a Complete whose reply was lost
	pause := func(err error) bool {
		if pgqueue.Retryable(err) {
			retryable.Add(1)
			time.Sleep(100 * time.Millisecond)
			return true
		}
		return false
	}
	remaining := func() (int, error) {
		var n int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{s.Schema(), "queue_item"}.Sanitize()+" WHERE state <> 4").Scan(&n)
		return n, err
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 4 {
		agent := "worker-" + string(rune('a'+w))
		wg.Go(func() {
			for {
				err := s.PutAgent(ctx, queuedriver.Agent{ID: agent, Online: true, Since: time.Now()})
				if err == nil {
					break
				}
				if !pause(err) {
					errs <- err
					return
				}
			}
			for {
				now := time.Now()
				it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: agent, LeaseID: uuid.NewString(), ExpiresAt: now.Add(ttl), Now: now})
				if errors.Is(err, queuedriver.ErrNoItem) {
					n, err := remaining()
					if err == nil && n == 0 {
						return
					}
					if err != nil && !pause(err) {
						errs <- err
						return
					}
					time.Sleep(50 * time.Millisecond) // leases lost in the restart expire soon
					continue
				}
				if pause(err) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				ref := queuedriver.LeaseRef{Key: it.Key, LeaseID: it.LeaseID}
				for attempt := 0; ; attempt++ {
					ref.Now = time.Now()
					_, err = s.Complete(ctx, ref)
					if pause(err) {
						continue
					}
					mu.Lock()
					switch {
					case err == nil:
						completed[it.Key]++
					case errors.Is(err, queuedriver.ErrLeaseLost) && attempt > 0:
						ambiguous[it.Key] = true // the lost reply may have been a success
					case errors.Is(err, queuedriver.ErrLeaseLost):
					default:
						errs <- err
					}
					mu.Unlock()
					break
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	out, err := exec.Command("sh", "-c", restart).CombinedOutput()
	require.NoError(t, err, "restart command: %s", out)
	restartedAt := time.Now()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	t.Logf("restart took the workers %d retryable errors; drained %v after the restart; %d ambiguous completes",
		retryable.Load(), time.Since(restartedAt).Round(time.Millisecond), len(ambiguous))
	require.Positive(t, retryable.Load(), "the restart produced no retryable error")
	n, err := remaining()
	require.NoError(t, err)
	require.Zero(t, n, "items not completed")
	for k, c := range completed {
		require.Equal(t, 1, c, "%s completed %d times", k, c)
	}
	require.Equal(t, total, len(completed)+countMissing(completed, ambiguous))
	require.NoError(t, pool.QueryRow(ctx, "SELECT 1").Scan(new(int)), "the server is not running after the test")
}

// countMissing counts ambiguous keys with no confirmed completion.
func countMissing(completed map[string]int, ambiguous map[string]bool) int {
	n := 0
	for k := range ambiguous {
		if completed[k] == 0 {
			n++
		}
	}
	return n
}
