package pgqueue

import (
	"context"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

var _ queuedriver.Purger = (*Store)(nil)

// sqlPurgeDone deletes up to $2 Done items changed before $1, oldest first:
// the subquery reads queue_item_done_idx (migration 2) from its start and
// skips rows that another transaction holds (an Upsert re-opening one), and
// the DELETE checks the row again, since it may have changed meanwhile.
const sqlPurgeDone = `
DELETE FROM {items} i
WHERE i.key = ANY (ARRAY(
    SELECT d.key FROM {items} d
    WHERE d.state = 4 AND d.updated_at < $1::timestamptz
    ORDER BY d.updated_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED))
  AND i.state = 4 AND i.updated_at < $1::timestamptz`

// PurgeDone implements queuedriver.Purger with one DELETE.
func (s *Store) PurgeDone(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 || before.IsZero() {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, s.sql.purgeDone, before, limit)
	if err != nil {
		return 0, mapErr("purge done", err)
	}
	return int(tag.RowsAffected()), nil
}
