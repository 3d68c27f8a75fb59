package pgcare

import (
	"context"
	"errors"

	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Durable implements care.Durable: the store outlives any desk process, so
// a desk records each send before it goes out.
func (s *Store) Durable() bool { return true }

// Mark implements care.Store with one statement on the dedup keys' table.
func (s *Store) Mark(ctx context.Context, k care.SeenKey, now time.Time) (bool, error) {
	if k.Key == "" {
		return false, fmt.Errorf("%w: %w: mark: empty key", ErrInvalid, care.ErrInvalid)
	}
	tag, err := s.pool.Exec(ctx, s.sql.mark, k.Key, k.Expires, now)
	if err != nil {
		return false, mapErr("mark "+k.Key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Cursor implements care.Store: the oldest transaction still running when
// it is called (the snapshot's xmin). Every save that commits later was
// written by a transaction at or above it.
func (s *Store) Cursor(ctx context.Context) (int64, error) {
	var x string
	if err := s.pool.QueryRow(ctx, s.sql.cursor).Scan(&x); err != nil {
		return 0, mapErr("cursor", err)
	}
	return parseXid(x)
}

// Changes implements care.Store. Each conversation row carries the
// transaction that last wrote it; Changes reads, in transaction order, the
// rows written from after up to the oldest transaction still running (the
// snapshot's xmin, read in the same statement), whose saves it leaves for a
// later call. A page never splits one transaction's rows. A long-running
// transaction (idle in transaction) holds the feed back until it ends;
// nothing is missed.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]care.Change, int64, error) {
	if limit <= 0 {
		return nil, after, fmt.Errorf("%w: %w: changes: limit %d must be positive", ErrInvalid, care.ErrInvalid, limit)
	}
	rows, err := s.pool.Query(ctx, s.sql.changes, strconv.FormatInt(after, 10), limit+1)
	if err != nil {
		return nil, after, mapErr("changes", err)
	}
	defer rows.Close()
	var (
		out  []care.Change
		txs  []int64
		xmin int64
	)
	for rows.Next() {
		var (
			x, tx   string
			key     *string
			version *int64
			open    *bool
			txid    *string
		)
		if err := rows.Scan(&x, &key, &version, &open, &txid); err != nil {
			return nil, after, mapErr("changes", err)
		}
		if xmin, err = parseXid(x); err != nil {
			return nil, after, err
		}
		if key == nil {
			continue // no row: the horizon alone
		}
		tx = *txid
		t, err := parseXid(tx)
		if err != nil {
			return nil, after, err
		}
		out = append(out, care.Change{Key: *key, Version: *version, Open: *open})
		txs = append(txs, t)
	}
	if err := rows.Err(); err != nil {
		return nil, after, mapErr("changes", err)
	}
	if len(out) <= limit {
		return out, max(xmin, after), nil
	}
	// More than a page: stop before the transaction of the first row left
	// out, and read from it next time.
	cut := txs[limit]
	n := limit
	for n > 0 && txs[n-1] == cut {
		n--
	}
	if n == 0 { // one transaction wrote more than a page: take all of its rows
		return s.oneTransaction(ctx, cut, xmin, after)
	}
	return out[:n], max(cut, after), nil
}

// oneTransaction returns every row the transaction tx wrote, for a Changes
// page that would split them.
func (s *Store) oneTransaction(ctx context.Context, tx, xmin, after int64) ([]care.Change, int64, error) {
	rows, err := s.pool.Query(ctx, s.sql.oneTransaction, strconv.FormatInt(tx, 10))
	if err != nil {
		return nil, after, mapErr("changes", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (care.Change, error) {
		var ch care.Change
		return ch, r.Scan(&ch.Key, &ch.Version, &ch.Open)
	})
	if err != nil {
		return nil, after, mapErr("changes", err)
	}
	return out, max(min(tx+1, xmin), after), nil
}

// Lead implements care.Store with one statement: the lease is taken when
// free or expired, and renewed by its holder.
func (s *Store) Lead(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("%w: %w: lead needs a name, a holder and a positive ttl (got %q, %q, %v)", ErrInvalid, care.ErrInvalid, name, holder, ttl)
	}
	tag, err := s.pool.Exec(ctx, s.sql.lead, name, holder, now.Add(ttl), now)
	if err != nil {
		return false, mapErr("lead "+name, err)
	}
	return tag.RowsAffected() == 1, nil
}

func parseXid(x string) (int64, error) {
	v, err := strconv.ParseInt(x, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("pgcare: transaction id %q: %w", x, err)
	}
	return v, nil
}

// CommitsQueue implements care.QueueCommitter: true when Config.Queue is
// set.
func (s *Store) CommitsQueue() bool { return s.queue != nil }

// SaveConversationQueued implements care.QueueCommitter: one round trip
// and one transaction save the conversation with its dedup keys (the
// version check first) and upsert the queue item through Config.Queue
// (pgqueue.Store.QueueUpsert, whose wake-up of other processes' claimers is
// sent at commit). The statements are sent together (a pgx.Batch), which
// PostgreSQL runs as one implicit transaction; each write that finds the
// save refused fails (see queueSave), so that either all of it commits or
// none of it.
func (s *Store) SaveConversationQueued(ctx context.Context, c *care.Conversation, seen []care.SeenKey, now time.Time, item queuedriver.UpsertParams) error {
	if s.queue == nil {
		return fmt.Errorf("%w: %w: save %s with its queue item: Config.Queue is not set", ErrInvalid, care.ErrInvalid, c.Key)
	}
	r, err := s.encode(c)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	s.queueSave(b, c, r, seen, now)
	if err := s.queue.QueueUpsert(b, item, nil); err != nil {
		return fmt.Errorf("pgcare: save %s: enqueue: %w", c.Key, err)
	}
	wrapLast(b, "pgcare: save "+c.Key+": enqueue")
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return mapTxErr(err)
	}
	c.Version++
	return nil
}

// wrapLast prefixes the error of the statement last queued in b with what.
func wrapLast(b *pgx.Batch, what string) {
	q := b.QueuedQueries[len(b.QueuedQueries)-1]
	fn := q.Fn
	q.Fn = func(br pgx.BatchResults) error {
		if err := fn(br); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}

// mapTxErr keeps the store's own errors and maps the rest (a commit that
// failed) at the boundary.
func mapTxErr(err error) error {
	if errors.Is(err, care.ErrConflict) || errors.Is(err, care.ErrDuplicate) || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInvalid) {
		return err
	}
	return mapErr("save with queue item", err)
}

// SaveConversationCompleted implements care.QueueCommitter: one
// transaction saves the conversation (the version check first) and
// completes its queue item's lease through Config.Queue
// (pgqueue.Store.QueueComplete). Either both commit or neither. It takes
// two round trips: the transaction's start and both writes, sent together
// (a pgx.Batch that begins a transaction), then the commit, or the
// rollback when either write was refused.
func (s *Store) SaveConversationCompleted(ctx context.Context, c *care.Conversation, now time.Time, lease queuedriver.LeaseRef) (queuedriver.Item, error) {
	if s.queue == nil {
		return queuedriver.Item{}, fmt.Errorf("%w: %w: save %s and complete its item: Config.Queue is not set", ErrInvalid, care.ErrInvalid, c.Key)
	}
	r, err := s.encode(c)
	if err != nil {
		return queuedriver.Item{}, err
	}
	var it queuedriver.Item
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	s.queueSave(b, c, r, nil, now)
	if err := s.queue.QueueComplete(b, lease, &it); err != nil {
		return queuedriver.Item{}, fmt.Errorf("pgcare: save %s: complete: %w", c.Key, err)
	}
	wrapLast(b, "pgcare: save "+c.Key+": complete")
	br := s.pool.SendBatch(ctx, b)
	err = br.Close()
	tx := br.Tx()
	if err == nil {
		err = tx.Commit(ctx)
	} else if tx != nil {
		_ = tx.Rollback(ctx) // a refused write: the error says which
	}
	if err != nil {
		if errors.Is(err, queuedriver.ErrLeaseLost) {
			return queuedriver.Item{}, err
		}
		return queuedriver.Item{}, mapTxErr(err)
	}
	c.Version++
	return it, nil
}
