package pgqueue

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// CompleteTx completes the lease l inside the caller's transaction, so that
// a care desk can resolve a conversation and complete its item atomically
// (queue.Lease.CompleteWith): if tx rolls back, the item is still leased.
// It fails with queuedriver.ErrLeaseLost when l is not the item's current
// lease.
func (s *Store) CompleteTx(ctx context.Context, tx pgx.Tx, l queuedriver.LeaseRef) (queuedriver.Item, error) {
	if tx == nil {
		return queuedriver.Item{}, errors.New("pgqueue: complete: tx is nil")
	}
	it, err := scanItem(tx.QueryRow(ctx, s.sql.complete, l.Key, l.LeaseID, l.Now))
	if errors.Is(err, pgx.ErrNoRows) {
		return queuedriver.Item{}, fmt.Errorf("pgqueue: complete %q: %w", l.Key, queuedriver.ErrLeaseLost)
	}
	if err != nil {
		return queuedriver.Item{}, mapErr("complete "+l.Key, err)
	}
	return *it, nil
}
