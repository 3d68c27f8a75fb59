package pgqueue

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

var _ queuedriver.Lister = (*Store)(nil)

// The listing statements. Parameters: $1 channels, $2 teams, $3 now, then
// the cursor (ByRank: $4 rank, $5 enqueued at, $6 key; ByDeadline: $4 the
// deadline in microseconds since the epoch, the largest bigint for none,
// $5 key), then the limit. ByRank walks the claim index
// (rank DESC, enqueued_at, key) from the cursor and stops after the limit;
// ByDeadline sorts the claimable rows that match (no index orders them:
// a listing by deadline costs a sort of the waiting items, a few
// milliseconds at 10,000).
const (
	listWhere = `i.state <> 4 AND i.claimable_at <= $3::timestamptz
      AND (cardinality($1::text[]) = 0 OR i.channel = ANY($1::text[]))
      AND (cardinality($2::text[]) = 0 OR i.team = ANY($2::text[]))`
	listDeadlineKey = `coalesce((extract(epoch FROM i.deadline) * 1000000)::bigint, 9223372036854775807)`

	sqlListRank = `SELECT {cols} FROM {items} i WHERE ` + listWhere + `
      AND ($4::float8 IS NULL OR i.rank < $4::float8
           OR (i.rank = $4::float8 AND (i.enqueued_at, i.key) > ($5::timestamptz, $6::text)))
    ORDER BY i.rank DESC, i.enqueued_at, i.key LIMIT $7`
	sqlListDeadline = `SELECT {cols} FROM {items} i WHERE ` + listWhere + `
      AND ($4::bigint IS NULL OR (` + listDeadlineKey + `, i.key) > ($4::bigint, $5::text))
    ORDER BY ` + listDeadlineKey + `, i.key LIMIT $6`
	sqlListCount = `SELECT count(*) FROM {items} i WHERE ` + listWhere
)

// List implements queuedriver.Lister: one statement for the page (by rank
// through the claim index) and one count, in one repeatable-read
// transaction so that the total and the page agree.
func (s *Store) List(ctx context.Context, p queuedriver.ListParams) (queuedriver.ListPage, error) {
	if p.Limit < 1 {
		return queuedriver.ListPage{}, fmt.Errorf("pgqueue: list: Limit %d must be at least 1: %w", p.Limit, ErrInvalid)
	}
	r := strings.NewReplacer("{items}", pgx.Identifier{s.schema, "queue_item"}.Sanitize(), "{cols}", prefixCols("i."))
	chans, teams := nonNil(p.Channels), nonNil(p.Teams)
	var stmt string
	args := []any{chans, teams, p.Now}
	switch p.Order {
	case queuedriver.ByRank:
		stmt = r.Replace(sqlListRank)
		if c := p.After; c != nil {
			args = append(args, c.Rank, c.EnqueuedAt, c.Key)
		} else {
			args = append(args, nil, nil, nil)
		}
	case queuedriver.ByDeadline:
		stmt = r.Replace(sqlListDeadline)
		if c := p.After; c != nil {
			dl := int64(math.MaxInt64)
			if !c.Deadline.IsZero() {
				dl = c.Deadline.UnixMicro()
			}
			args = append(args, dl, c.Key)
		} else {
			args = append(args, nil, nil)
		}
	default:
		return queuedriver.ListPage{}, fmt.Errorf("pgqueue: list: unknown order %d: %w", p.Order, ErrInvalid)
	}
	args = append(args, p.Limit+1)
	var page queuedriver.ListPage
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, stmt, args...)
		if err != nil {
			return err
		}
		items, err := scanItems(rows)
		if err != nil {
			return err
		}
		if len(items) > p.Limit {
			items, page.More = items[:p.Limit], true
		}
		page.Items = make([]queuedriver.Item, len(items))
		for i, it := range items {
			page.Items[i] = *it
		}
		return tx.QueryRow(ctx, r.Replace(sqlListCount), chans, teams, p.Now).Scan(&page.Total)
	})
	if err != nil {
		return queuedriver.ListPage{}, mapErr("list", err)
	}
	return page, nil
}
