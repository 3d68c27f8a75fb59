package queue

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// purgeBatch is the most Done items one Maintain deletes: a store with more
// to delete catches up over the following calls, so that one Maintain never
// holds a store (memqueue's lock, a PostgreSQL transaction) for long.
const purgeBatch = 1000

// doneRetention applies Config.DoneRetention's default.
func doneRetention(d time.Duration) time.Duration {
	if d == 0 {
		return 24 * time.Hour
	}
	return d
}

// purge deletes up to purgeBatch Done items older than the retention, if
// the store can.
func (q *Queue) purge(ctx context.Context, now time.Time) error {
	p, ok := q.store.(queuedriver.Purger)
	if !ok || q.keep < 0 {
		return nil
	}
	if _, err := p.PurgeDone(ctx, now.Add(-q.keep), purgeBatch); err != nil {
		return fmt.Errorf("queue: maintain: purge done items: %w", err)
	}
	return nil
}
