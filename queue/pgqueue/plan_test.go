package pgqueue

import (
	"context"
	"fmt"
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
	ctx := context.Background()
	pool := testDB(t)
	schema := testSchema(t, pool, "pgqueue_plan")
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
		// The group claim picks its candidates the same way.
		stmt, _ := s.sql.withLimit(s.sql.claimGroup, 4, 0)
		plan, err = explain(ctx, pool, stmt, mode, groupArgs(p, 4))
		require.NoError(t, err, mode)
		if testing.Verbose() {
			t.Log("group", mode, plan)
		}
		require.Contains(t, plan, "queue_item_claim_idx", mode)
		require.NotContains(t, plan, "Sort Key: i.rank", mode)
		require.NotContains(t, plan, "Seq Scan on queue_item", mode)
	}

	// Under the default plan_cache_mode, the prepared claim statements
	// settle on their generic plan instead of planning every execution
	// (which costs more than the claim).
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	var single string
	group, _ := s.sql.withLimit(s.sql.claimGroup, 4, 0)
	for i := range 20 {
		p.LeaseID, p.Now = fmt.Sprint("single", i), p.Now.Add(time.Millisecond)
		stmt, args := s.claimStmt(p, []string{p.LeaseID}, 1, false)
		single = stmt
		rows, err := conn.Query(ctx, single, args...)
		require.NoError(t, err)
		_, items, err := scanClaim(rows)
		require.NoError(t, err)
		require.Len(t, items, 1)
		rows, err = conn.Query(ctx, group, groupArgs(p, 4)...)
		require.NoError(t, err)
		rows.Close()
		require.NoError(t, rows.Err())
	}
	for name, stmt := range map[string]string{"claim": single, "group claim": group} {
		var generic, custom int64
		require.NoError(t, conn.QueryRow(ctx, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", stmt).Scan(&generic, &custom))
		require.Greater(t, generic, custom, "%s: generic plans %d, custom plans %d", name, generic, custom)
	}
}

// groupArgs are sqlClaimGroup's parameters for n claims like p.
func groupArgs(p queuedriver.ClaimParams, n int) []any {
	agents, leases, affs := make([]string, n), make([]string, n), make([]bool, n)
	expires, cutoffs, nows := make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	for i := range n {
		agents[i], leases[i], affs[i] = p.Agent, fmt.Sprint(p.LeaseID, "-", i), true
		expires[i], cutoffs[i], nows[i] = p.ExpiresAt, p.Now.Add(-time.Minute), p.Now
	}
	return []any{[]string{}, []string{}, []string{}, []string{}, agents, leases, expires, affs, cutoffs, nows}
}

// explainClaim returns the plan of the claim statement prepared on one
// connection under plan_cache_mode.
func explainClaim(ctx context.Context, pool *pgxpool.Pool, s *Store, mode string, p queuedriver.ClaimParams) (string, error) {
	stmt, args := s.claimStmt(p, []string{"l"}, 1, false)
	return explain(ctx, pool, stmt, mode, args)
}

// explain returns the plan of stmt with args, prepared on one connection
// under plan_cache_mode.
func explain(ctx context.Context, pool *pgxpool.Pool, stmt, mode string, args []any) (string, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET plan_cache_mode = "+mode); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "PREPARE explain_claim AS "+stmt); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "DEALLOCATE explain_claim; RESET plan_cache_mode") //nolint:errcheck
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
