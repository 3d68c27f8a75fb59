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

// TestClaimGroupPairsAtOnce checks which way the group claim pairs claims
// with candidates: at once (walk never runs) when nothing stands between
// any claim and any candidate, and one claim at a time (walk runs) when a
// candidate that one claim may take is reserved for another agent by
// affinity.
func TestClaimGroupPairsAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testDB(t)
	schema := testSchema(t, pool, "pgqueue_pairs")
	s, err := New(pool, &Config{Schema: schema, DisableNotify: true, DisableGroupClaim: true})
	require.NoError(t, err)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, a := range []string{"a", "b"} {
		require.NoError(t, s.PutAgent(ctx, queuedriver.Agent{ID: a, Online: true}))
	}
	for i := range 2 { // fewer items than claims: both are candidates
		_, err := s.Upsert(ctx, queuedriver.UpsertParams{Key: fmt.Sprint("k", i), Now: now})
		require.NoError(t, err)
	}
	walked := func(t *testing.T, p queuedriver.ClaimParams) bool {
		stmt, _ := s.sql.withLimit(s.sql.claimGroup, 3, 0)
		args := groupArgs(p, 3)
		args[4] = []string{p.Agent, "b", p.Agent}
		if p.AffinityWindow == 0 {
			args[7] = []bool{false, false, false}
		}
		var got []bool
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			// EXPLAIN ANALYZE runs the claim: roll it back.
			tx, err := pool.Begin(ctx)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, "SET LOCAL plan_cache_mode = "+mode)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, "PREPARE pairs AS "+stmt)
			require.NoError(t, err)
			rows, err := tx.Query(ctx, "EXPLAIN ANALYZE EXECUTE pairs($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
				append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...)
			require.NoError(t, err)
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			_, err = tx.Exec(ctx, "DEALLOCATE pairs")
			require.NoError(t, err)
			require.NoError(t, tx.Rollback(ctx))
			plan := strings.Join(lines, "\n")
			i := strings.Index(plan, "Recursive Union")
			require.GreaterOrEqual(t, i, 0, plan)
			line, _, _ := strings.Cut(plan[i:], "\n")
			got = append(got, !strings.Contains(line, "never executed"))
		}
		require.Equal(t, got[0], got[1], "custom and generic plans differ")
		return got[0]
	}
	p := queuedriver.ClaimParams{Agent: "a", LeaseID: "l", ExpiresAt: now.Add(time.Hour), Now: now.Add(time.Minute), AffinityWindow: time.Minute}
	require.False(t, walked(t, p), "fresh items, affinity on: pairs at once")

	// b held the best item and completed it; it came back and is
	// reserved for b: b's claim may take it, a's claims with affinity may
	// not, so the claims must walk.
	it, err := s.Claim(ctx, queuedriver.ClaimParams{Agent: "b", LeaseID: "lb", ExpiresAt: now.Add(time.Hour), Now: now})
	require.NoError(t, err)
	_, err = s.Complete(ctx, queuedriver.LeaseRef{Key: it.Key, LeaseID: "lb", Now: now.Add(time.Second)})
	require.NoError(t, err)
	_, err = s.Upsert(ctx, queuedriver.UpsertParams{Key: it.Key, Now: now.Add(2 * time.Second)})
	require.NoError(t, err)
	require.True(t, walked(t, p), "an item reserved for b: walks")
	p.AffinityWindow = 0
	require.False(t, walked(t, p), "no affinity: pairs at once")
}
