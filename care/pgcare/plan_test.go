package pgcare

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestPlans checks that the store's statements read the indexes that match
// them, so that their cost is in proportion to what they touch: the purges
// and the due follow-ups walk their index from the oldest entry, and
// OpenConversations reads only the open conversations.
func TestPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testDB(t)
	sql := newStatements(testSchema(t, pool, "pgcare_test"))
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	limit := int64(100)
	for _, tc := range []struct {
		name, sql string
		args      []any
		indexes   []string
	}{
		{"purge conversations", sql.purgeConversations, []any{now, &limit}, []string{"care_conversation_resolved_idx", "care_follow_up_key_idx", "care_acknowledgement_pkey"}},
		{"purge dedup keys", sql.purgeSeen, []any{now, &limit}, []string{"care_seen_expires_idx"}},
		{"follow-ups", sql.followUps, []any{now}, []string{"care_follow_up_due_idx"}},
		{"boomerangs", sql.boomerangs, []any{"ana", now}, []string{"care_follow_up_boomerang_idx"}},
		{"open conversations", sql.openConversations, nil, []string{"care_conversation_open_idx"}},
		{"seen", sql.seen, []any{"k", now}, []string{"care_seen_pkey"}},
	} {
		var plan string
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			// The tables are empty: make the planner price them as large
			// tables, where it avoids sequential scans.
			if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, "EXPLAIN "+tc.sql, tc.args...)
			if err != nil {
				return err
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			plan = strings.Join(lines, "\n")
			return err
		}), tc.name)
		for _, idx := range tc.indexes {
			require.Contains(t, plan, idx, "%s: plan:\n%s", tc.name, plan)
		}
	}
}
