package pgqueue

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// TestClaimUsesIndex checks that the claim walks queue_item_claim_idx in
// order instead of sorting the table, with thousands of done and waiting
// items.
func TestClaimUsesIndex(t *testing.T) {
	t.Parallel()
	url := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("pgqueue: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	schema := fmt.Sprintf("pgqueue_plan_%d", time.Now().UnixNano())
	require.NoError(t, Migrate(ctx, pool, schema))
	defer pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE") //nolint:errcheck
	s, err := New(pool, &Config{Schema: schema, DisableNotify: true})
	require.NoError(t, err)
	_, err = pool.Exec(ctx, "INSERT INTO "+pgx.Identifier{schema, "queue_item"}.Sanitize()+` (key, rank, enqueued_at, updated_at, state)
		SELECT 'k' || g, g % 1000, now(), now(), CASE WHEN g % 2 = 0 THEN 4 ELSE 1 END FROM generate_series(1, 20000) g`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, "ANALYZE "+pgx.Identifier{schema, "queue_item"}.Sanitize())
	require.NoError(t, err)
	require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: "a", Online: true}))
	now := time.Now()
	p := queuedriver.ClaimParams{Agent: "a", LeaseID: "l", ExpiresAt: now.Add(time.Minute), Now: now}
	// Check both the custom plan and the generic plan that PostgreSQL
	// switches to after five executions of a prepared statement.
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		plan, err := explainClaim(ctx, pool, s, mode, p)
		require.NoError(t, err, mode)
		if testing.Verbose() {
			t.Log(mode, plan)
		}
		require.Contains(t, plan, "queue_item_claim_idx", mode)
		require.NotContains(t, plan, "Sort Key: i.rank", mode)
		require.NotContains(t, plan, "Seq Scan on queue_item", mode)
	}
}

// explainClaim returns the plan of the claim statement prepared on one
// connection under plan_cache_mode.
func explainClaim(ctx context.Context, pool *pgxpool.Pool, s *Store, mode string, p queuedriver.ClaimParams) (string, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET plan_cache_mode = "+mode); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "PREPARE explain_claim AS "+s.sql.claim); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "DEALLOCATE explain_claim; RESET plan_cache_mode") //nolint:errcheck
	args := s.claimArgs(p, []string{"l"}, 1, false)
	ph := make([]string, len(args))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE explain_claim("+strings.Join(ph, ", ")+")",
		append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}
