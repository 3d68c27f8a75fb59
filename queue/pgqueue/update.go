package pgqueue

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

var _ queuedriver.Updater = (*Store)(nil)

// sqlUpdate re-routes a not-Done item in place; its rank is the expression
// sqlUpsert uses, over the item's own enqueued_at. Parameters as sqlUpsert:
// $1 key, $2 channel, $3 team, $4 language, $5 skills, $6 score, $7
// deadline, $8 payload, $9-$12 weights, $13 now, $14 notify?, $15 channel.
// It notifies when the item is waiting: it may now match other claimers.
var sqlUpdate = `
WITH up AS (
    UPDATE {items} i SET
        channel = $2, team = $3, language = $4, skills = $5, score = $6::float8,
        deadline = $7::timestamptz, payload = $8,
        rank = ` + rankSQL("$6::float8", "$7::timestamptz", "i.enqueued_at") + `,
        updated_at = $13::timestamptz
    WHERE i.key = $1 AND i.state <> 4
    RETURNING {icols}
), n AS (
    SELECT count(pg_notify($15, '')) FROM up WHERE $14::boolean AND up.state = 1
)
SELECT up.* FROM up, n`

// Update implements queuedriver.Updater with one UPDATE.
func (s *Store) Update(ctx context.Context, p queuedriver.UpdateParams) (queuedriver.Item, error) {
	if !queuedriver.IsFinite(p.Score) {
		return queuedriver.Item{}, fmt.Errorf("pgqueue: update %q: score %v is not finite", p.Key, p.Score)
	}
	it, err := scanItem(s.pool.QueryRow(ctx, s.sql.update,
		p.Key, p.Channel, p.Team, p.Language, p.Skills, p.Score, ts(p.Deadline), p.Payload,
		p.Weights.Score, p.Weights.Slack, p.Weights.Wait, p.Weights.Horizon.Microseconds(),
		p.Now, s.notify, s.channel))
	if errors.Is(err, pgx.ErrNoRows) {
		return queuedriver.Item{}, fmt.Errorf("pgqueue: update %q: %w", p.Key, queuedriver.ErrNotFound)
	}
	if err != nil {
		return queuedriver.Item{}, mapErr("update "+p.Key, err)
	}
	return *it, nil
}

// clampInt32 keeps n within the integer column's range.
func clampInt32(n int) int { return max(min(n, math.MaxInt32), math.MinInt32) }
