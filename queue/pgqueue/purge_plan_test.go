package pgqueue

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestPurgeUsesIndex checks that PurgeDone reads queue_item_done_idx
// instead of scanning the table, with thousands of done and waiting items.
func TestPurgeUsesIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testDB(t)
	schema := testSchema(t, pool, "pgqueue_purge_plan")
	s, err := New(pool, &Config{Schema: schema, DisableNotify: true})
	require.NoError(t, err)
	items := pgx.Identifier{schema, "queue_item"}.Sanitize()
	_, err = pool.Exec(ctx, "INSERT INTO "+items+` (key, rank, enqueued_at, updated_at, state)
		SELECT 'k' || g, g % 1000, now(), now() - g * interval '1 second', CASE WHEN g % 2 = 0 THEN 4 ELSE 1 END
		FROM generate_series(1, 20000) g`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, "ANALYZE "+items)
	require.NoError(t, err)
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		plan, err := explain(ctx, pool, s.sql.purgeDone, mode, []any{time.Now().Add(-time.Hour), 1000})
		require.NoError(t, err, mode)
		if testing.Verbose() {
			t.Log(mode, plan)
		}
		require.Contains(t, plan, "queue_item_done_idx", mode)
		require.NotContains(t, plan, "Seq Scan on queue_item", mode)
	}
}
