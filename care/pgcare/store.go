package pgcare

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/sla"
)

// Config configures a Store. The zero value gives the defaults.
type Config struct {
	// Schema is the PostgreSQL schema that holds the store's tables (see
	// Migrate); it may be the schema of pgqueue's tables, whose names do
	// not clash. Defaults to "public".
	Schema string
	// Policies are the SLA policies whose conversations the store keeps:
	// give it the desk's care.Config.Policies. A policy's business-hours
	// Calendar is compiled and cannot be stored, so the store keeps the
	// policy's other fields and, on load, gives back the Calendar of the
	// policy of the same name here. Saving a conversation whose policy has
	// a Calendar that is not here fails with ErrInvalid, and so does
	// loading one whose policy name no longer has a Calendar here. The
	// policies with a Calendar must have distinct, non-empty names.
	// Defaults to none: then only 24/7 policies (a nil Calendar) can be
	// saved.
	Policies []sla.Policy
	// Queue is the pgqueue store of the desk's queue, in the same
	// database. With it, the desk takes each message in one transaction:
	// the dedup key, the conversation and the queue item commit together
	// or not at all (care.QueueCommitter). Defaults to nil: the desk
	// enqueues, then saves.
	Queue *pgqueue.Store
}

// Store is the care.Store kept in PostgreSQL, shared by every desk process
// that uses the same schema. It is safe for concurrent use by many
// goroutines and many processes. It does not own the pool: the caller
// closes the pool after the last use of the Store.
type Store struct {
	pool      *pgxpool.Pool
	schema    string
	calendars map[string]*sla.Calendar // policy name → the host's calendar
	sql       statements
	queue     *pgqueue.Store
}

var _ care.Store = (*Store)(nil)

// New returns a Store over pool. It checks that cfg is valid (errors wrap
// ErrInvalid) and, with one query, that the schema has been brought to
// LatestVersion by Migrate. cfg may be nil.
func New(ctx context.Context, pool *pgxpool.Pool, cfg *Config) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("%w: New: pool is nil", ErrInvalid)
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Schema == "" {
		c.Schema = "public"
	}
	if len(c.Schema) > 63 {
		return nil, fmt.Errorf("%w: New: Schema %q is longer than PostgreSQL's 63-byte identifier limit", ErrInvalid, c.Schema)
	}
	cals := map[string]*sla.Calendar{}
	for _, p := range c.Policies {
		if p.Calendar == nil {
			continue
		}
		if p.Name == "" {
			return nil, fmt.Errorf("%w: New: a policy with a Calendar has no Name", ErrInvalid)
		}
		if other, ok := cals[p.Name]; ok && other != p.Calendar {
			return nil, fmt.Errorf("%w: New: two policies named %q have different Calendars", ErrInvalid, p.Name)
		}
		cals[p.Name] = p.Calendar
	}
	v, err := SchemaVersion(ctx, pool, c.Schema)
	if err != nil {
		return nil, err
	}
	if v != LatestVersion {
		return nil, fmt.Errorf("pgcare: New: schema %q is at version %d, want %d: run pgcare.Migrate", c.Schema, v, LatestVersion)
	}
	return &Store{pool: pool, schema: c.Schema, calendars: cals, sql: newStatements(c.Schema), queue: c.Queue}, nil
}

// Schema returns the schema the store works in.
func (s *Store) Schema() string { return s.schema }

// batchSender is what pgxpool.Pool and pgx.Tx have in common to send a
// batch.
type batchSender interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// --- conversations ------------------------------------------------------

// record is a conversation as stored.
type record struct {
	key        string
	open       bool
	resolvedAt *time.Time
	calendar   bool
	value      []byte
}

// encode prepares c for a save. It refuses a Calendar the store could not
// give back.
func (s *Store) encode(c *care.Conversation) (record, error) {
	r := record{key: c.Key, open: c.Open(), calendar: c.Policy.Calendar != nil}
	if r.calendar && s.calendars[c.Policy.Name] != c.Policy.Calendar {
		return record{}, fmt.Errorf("%w: save %s: policy %q has a business-hours Calendar that is not in Config.Policies, so it could not be restored", ErrInvalid, c.Key, c.Policy.Name)
	}
	if !r.open && !c.ResolvedAt.IsZero() {
		at := c.ResolvedAt
		r.resolvedAt = &at
	}
	v := *c
	v.Version = 0 // the version column is the truth
	v.Policy.Calendar = nil
	b, err := json.Marshal(&v)
	if err != nil {
		return record{}, fmt.Errorf("pgcare: save %s: encode: %w", c.Key, err)
	}
	r.value = b
	return r, nil
}

// decode rebuilds a conversation from its row.
func (s *Store) decode(key string, version int64, calendar bool, value []byte) (care.Conversation, error) {
	var c care.Conversation
	if err := json.Unmarshal(value, &c); err != nil {
		return care.Conversation{}, fmt.Errorf("pgcare: load %s: decode: %w", key, err)
	}
	c.Version = version
	if calendar {
		cal, ok := s.calendars[c.Policy.Name]
		if !ok {
			return care.Conversation{}, fmt.Errorf("%w: load %s: policy %q had a business-hours Calendar, and Config.Policies has none of that name", ErrInvalid, key, c.Policy.Name)
		}
		c.Policy.Calendar = cal
	}
	return c, nil
}

// Conversation implements care.Store.
func (s *Store) Conversation(ctx context.Context, key string) (care.Conversation, error) {
	var (
		version  int64
		calendar bool
		value    []byte
	)
	err := s.pool.QueryRow(ctx, s.sql.conversation, key).Scan(&version, &calendar, &value)
	if errors.Is(err, pgx.ErrNoRows) {
		return care.Conversation{}, fmt.Errorf("pgcare: %w: %s", care.ErrUnknownConversation, key)
	}
	if err != nil {
		return care.Conversation{}, mapErr("load "+key, err)
	}
	return s.decode(key, version, calendar, value)
}

// SaveConversation implements care.Store. Without dedup keys it is one
// statement; with them, two statements sent together in one round trip,
// which PostgreSQL runs as one implicit transaction: the conversation's
// write (the version check is its WHERE clause), then the keys' marks,
// and it rolls back if any key is marked and unexpired.
func (s *Store) SaveConversation(ctx context.Context, c *care.Conversation, seen []care.SeenKey, now time.Time) error {
	r, err := s.encode(c)
	if err != nil {
		return err
	}
	if err := s.sendSave(ctx, s.pool, c, r, seen, now); err != nil {
		return err
	}
	c.Version++
	return nil
}

// sendSave sends the statements of a save (queueSave) on q together, in
// one round trip: in one implicit transaction on a pool, or as part of q's
// transaction.
func (s *Store) sendSave(ctx context.Context, q batchSender, c *care.Conversation, r record, seen []care.SeenKey, now time.Time) error {
	b := &pgx.Batch{}
	s.queueSave(b, c, r, seen, now)
	return mapTxErr(q.SendBatch(ctx, b).Close())
}

// queueSave queues into b the statements of a save of r from c.Version,
// then the marks of seen (none if empty). Each statement fails, and so
// rolls back the transaction b runs in, when it writes fewer rows than it
// should have: with care.ErrConflict (the version check) or
// care.ErrDuplicate (a key already marked), as the batch's error.
func (s *Store) queueSave(b *pgx.Batch, c *care.Conversation, r record, seen []care.SeenKey, now time.Time) {
	key, version := c.Key, c.Version
	var q *pgx.QueuedQuery
	if version == 0 {
		q = b.Queue(s.sql.insertOrFail, r.key, r.open, r.resolvedAt, r.calendar, r.value)
	} else {
		q = b.Queue(s.sql.updateOrFail, r.key, version, r.open, r.resolvedAt, r.calendar, r.value)
	}
	q.Fn = func(br pgx.BatchResults) error {
		_, err := br.Exec()
		if code, _ := pgCode(err); code == codeConflict {
			return fmt.Errorf("pgcare: save %s from version %d: %w", key, version, care.ErrConflict)
		}
		return mapErr("save "+key, err)
	}
	if len(seen) == 0 {
		return
	}
	keys, expires := seenRows(seen)
	b.Queue(s.sql.markSeenOrFail, keys, expires, now).Fn = func(br pgx.BatchResults) error {
		_, err := br.Exec()
		if code, msg := pgCode(err); code == codeDuplicate {
			return fmt.Errorf("pgcare: save %s: %s: %w", key, msg, care.ErrDuplicate)
		}
		return mapErr("save "+key+": mark seen", err)
	}
}

// pgCode returns the SQLSTATE and the message of a server error, or "".
func pgCode(err error) (code, message string) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code, pgErr.Message
	}
	return "", ""
}

// SaveConversationTx is SaveConversation inside the caller's transaction,
// so that a desk can take a message, save its conversation and enqueue it
// (pgqueue.Store.UpsertTx) atomically: either all of it commits or none.
//
// It runs under a savepoint: when it fails (care.ErrConflict,
// care.ErrDuplicate or any other error) it has written nothing and tx is
// still usable, so the caller may roll back or go on. When it succeeds,
// c.Version is one more, as with SaveConversation; if tx then rolls back,
// the store still holds the old version, so reload c before saving it
// again. The conversation's row and the dedup keys stay locked until tx
// ends, so keep tx short: a concurrent save of the same conversation or
// key waits for it, then fails with ErrConflict or ErrDuplicate if tx
// commits.
func (s *Store) SaveConversationTx(ctx context.Context, tx pgx.Tx, c *care.Conversation, seen []care.SeenKey, now time.Time) error {
	if tx == nil {
		return fmt.Errorf("%w: save: tx is nil", ErrInvalid)
	}
	r, err := s.encode(c)
	if err != nil {
		return err
	}
	if err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { return s.sendSave(ctx, sp, c, r, seen, now) }); err != nil {
		return err
	}
	c.Version++
	return nil
}

// seenRows returns one row per key of seen (the last expiry wins, as in
// care.MemStore), in key order, so that concurrent saves lock shared keys
// in the same order.
func seenRows(seen []care.SeenKey) ([]string, []time.Time) {
	byKey := make(map[string]time.Time, len(seen))
	for _, k := range seen {
		byKey[k.Key] = k.Expires
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	expires := make([]time.Time, len(keys))
	for i, k := range keys {
		expires[i] = byKey[k]
	}
	return keys, expires
}

// Seen implements care.Store.
func (s *Store) Seen(ctx context.Context, key string, now time.Time) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, s.sql.seen, key, now).Scan(&ok)
	return ok, mapErr("seen "+key, err)
}

// OpenConversations implements care.Store.
func (s *Store) OpenConversations(ctx context.Context) ([]care.Conversation, error) {
	rows, err := s.pool.Query(ctx, s.sql.openConversations)
	if err != nil {
		return nil, mapErr("open conversations", err)
	}
	defer rows.Close()
	var out []care.Conversation
	for rows.Next() {
		var (
			key      string
			version  int64
			calendar bool
			value    []byte
		)
		if err := rows.Scan(&key, &version, &calendar, &value); err != nil {
			return nil, mapErr("open conversations", err)
		}
		c, err := s.decode(key, version, calendar, value)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr("open conversations", err)
	}
	return out, nil
}

// --- acknowledgements and follow-ups ------------------------------------

// MarkAcknowledged implements care.Store: one statement, which records
// cycle unless the conversation's recorded cycle is already cycle or later.
func (s *Store) MarkAcknowledged(ctx context.Context, key string, cycle int, at time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, s.sql.markAcknowledged, key, cycle, at)
	if err != nil {
		return false, mapErr("mark acknowledged "+key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// PutFollowUp implements care.Store. Times are kept at microsecond
// precision and returned in UTC.
func (s *Store) PutFollowUp(ctx context.Context, f care.FollowUp) error {
	_, err := s.pool.Exec(ctx, s.sql.putFollowUp, f.ID, int16(f.Kind), f.Key, f.Agent, f.At, f.Text, f.Intent, f.Note, f.Notified)
	return mapErr("put follow-up "+f.ID, err)
}

// TakeFollowUp implements care.Store.
func (s *Store) TakeFollowUp(ctx context.Context, id string) (bool, error) {
	tag, err := s.pool.Exec(ctx, s.sql.takeFollowUp, id)
	if err != nil {
		return false, mapErr("take follow-up "+id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// FollowUps implements care.Store. It reads care_follow_up_due_idx from
// the oldest entry to until.
func (s *Store) FollowUps(ctx context.Context, until time.Time) ([]care.FollowUp, error) {
	return s.followUps(ctx, "follow-ups", s.sql.followUps, until)
}

// Boomerangs implements care.BoomerangLister. It reads the partial index
// care_follow_up_boomerang_idx (agent, due_at, id), so an agent's Next
// never reads the other agents' follow-ups.
func (s *Store) Boomerangs(ctx context.Context, agent string, until time.Time) ([]care.FollowUp, error) {
	return s.followUps(ctx, "boomerangs", s.sql.boomerangs, agent, until)
}

// followUps runs query, a select of follow-ups, with args.
func (s *Store) followUps(ctx context.Context, what, query string, args ...any) ([]care.FollowUp, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, mapErr(what, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (care.FollowUp, error) {
		var (
			f    care.FollowUp
			kind int16
		)
		err := row.Scan(&f.ID, &kind, &f.Key, &f.Agent, &f.At, &f.Text, &f.Intent, &f.Note, &f.Notified)
		f.Kind, f.At = care.FollowUpKind(kind), f.At.UTC()
		return f, err
	})
	return out, mapErr(what, err)
}

// --- retention ----------------------------------------------------------

// Purge implements care.Store with two statements, each atomic: one
// deletes up to p.Limit conversations resolved before p.ResolvedBefore,
// oldest first, with their acknowledgement marks and follow-ups; the other
// up to p.Limit dedup keys expired before p.Now. Each walks its index
// (care_conversation_resolved_idx, care_seen_expires_idx) from the oldest
// entry and skips rows another transaction holds, so its cost is in
// proportion to what it deletes and concurrent purges by several desks
// neither wait for each other nor delete a row twice.
func (s *Store) Purge(ctx context.Context, p care.PurgeParams) (care.Purged, error) {
	var limit *int64 // NULL: no limit (a Limit of 0, or negative as in care.MemStore)
	if p.Limit > 0 {
		l := int64(p.Limit)
		limit = &l
	}
	var out care.Purged
	var n int64
	if err := s.pool.QueryRow(ctx, s.sql.purgeConversations, p.ResolvedBefore, limit).Scan(&n); err != nil {
		return out, mapErr("purge conversations", err)
	}
	out.Conversations = int(n)
	tag, err := s.pool.Exec(ctx, s.sql.purgeSeen, p.Now, limit)
	if err != nil {
		return out, mapErr("purge dedup keys", err)
	}
	out.SeenKeys = int(tag.RowsAffected())
	return out, nil
}
