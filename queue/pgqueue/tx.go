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

// QueueUpsert queues the upsert of p (UpsertTx) into b, so that a caller
// sends it with statements of its own in one round trip. A batch sent
// outside a transaction (pgxpool.Pool.SendBatch) runs as one implicit
// transaction: the item is created or updated, and blocked claimers
// notified, only if every statement of b succeeds. When the batch's results
// are read (pgx.BatchResults.Close, in the order queued), out, unless nil,
// receives the item, and a failure of the upsert becomes the batch's error,
// mapped as UpsertTx maps it. It checks p as UpsertTx does, and queues
// nothing when p is invalid.
func (s *Store) QueueUpsert(b *pgx.Batch, p queuedriver.UpsertParams, out *queuedriver.Item) error {
	if b == nil {
		return errors.New("pgqueue: upsert: batch is nil")
	}
	args, err := s.upsertArgs(p)
	if err != nil {
		return err
	}
	b.Queue(s.sql.upsert, args...).QueryRow(func(row pgx.Row) error {
		it, err := scanItem(row)
		if err != nil {
			return mapErr("upsert "+p.Key, err)
		}
		if out != nil {
			*out = *it
		}
		return nil
	})
	return nil
}

// QueueComplete queues the completion of the lease l (CompleteTx) into b,
// so that a caller sends it with statements of its own in one round trip.
// When the batch's results are read (pgx.BatchResults.Close, in the order
// queued), out, unless nil, receives the completed item, and a lease that
// is not the item's current one becomes the batch's error
// (queuedriver.ErrLeaseLost). That lost lease is not a database error: the
// server has run the rest of b regardless, so send b in a transaction
// (pgx.Batch.BeginTx) and commit it only when its results were read
// without error.
func (s *Store) QueueComplete(b *pgx.Batch, l queuedriver.LeaseRef, out *queuedriver.Item) error {
	if b == nil {
		return errors.New("pgqueue: complete: batch is nil")
	}
	b.Queue(s.sql.complete, l.Key, l.LeaseID, l.Now).QueryRow(func(row pgx.Row) error {
		it, err := scanItem(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("pgqueue: complete %q: %w", l.Key, queuedriver.ErrLeaseLost)
		}
		if err != nil {
			return mapErr("complete "+l.Key, err)
		}
		if out != nil {
			*out = *it
		}
		return nil
	})
	return nil
}
