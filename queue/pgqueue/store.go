package pgqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Config configures a Store. The zero value gives the defaults.
type Config struct {
	// Schema is the PostgreSQL schema that holds the queue's tables (see
	// Migrate). Defaults to "public".
	Schema string
	// NotifyChannel is the LISTEN/NOTIFY channel on which Upsert and
	// Release announce claimable items and Notify listens. Defaults to
	// "<schema>_queue"; stores that share a schema must share the channel.
	NotifyChannel string
	// DisableNotify stops Upsert and Release from sending notifications
	// (blocked claimers then rely on polling). Defaults to false.
	DisableNotify bool
	// ListenRetry is how long the listener waits before reconnecting after
	// it lost its connection. Defaults to 1 second.
	ListenRetry time.Duration
	// Logger receives the listener's connection errors. Defaults to a
	// logger that discards everything.
	Logger *slog.Logger
	// DisableGroupComplete makes every Complete its own statement. By
	// default, Completes that goroutines of one Store issue while another
	// Complete is in flight are sent together as one statement and one
	// commit (a group commit); each still gets its own result and the
	// semantics are those of Complete. Defaults to false.
	DisableGroupComplete bool
	// DisableGroupClaim makes every Claim its own statement. By default,
	// Claims that goroutines of one Store issue while another Claim with
	// the same Filter is in flight are served together by one
	// statement and one commit, which picks and leases their items exactly
	// as if the Claims had run one after another in the order they arrived
	// (so each still gets the best item it may take, affinity and capacity
	// included). A lone Claim runs at once, with no added delay. ClaimBatch
	// is never grouped. Defaults to false.
	DisableGroupClaim bool
}

// Store is a queuedriver.Store kept in PostgreSQL, shared by every process
// that uses the same schema. It is safe for concurrent use by many
// goroutines and many processes. It does not own the pool: the caller
// closes the pool after the last use of the Store (and after every context
// passed to Notify has ended).
type Store struct {
	pool    *pgxpool.Pool
	schema  string
	channel string
	notify  bool
	retry   time.Duration
	log     *slog.Logger
	sql     statements

	mu        sync.Mutex
	listening bool
	subs      map[*subscriber]struct{}

	group       bool // coalesce concurrent Completes
	gmu         sync.Mutex
	gpending    []*completeReq
	grunning    bool
	noYield     bool // rounds' runners do not yield (tests compare)
	groupClaims bool // coalesce concurrent Claims
	cmu         sync.Mutex
	cqueues     map[string]*claimQueue // pending Claims by filterKey
	stopListen  context.CancelFunc
	listenDone  chan struct{}
}

var (
	_ queuedriver.Store    = (*Store)(nil)
	_ queuedriver.Notifier = (*Store)(nil)
)

// New returns a Store over pool, whose schema must have been brought up to
// date with Migrate. New does no I/O. cfg may be nil.
func New(pool *pgxpool.Pool, cfg *Config) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("pgqueue: New: pool is nil (pass a *pgxpool.Pool from pgxpool.New): %w", ErrInvalid)
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Schema == "" {
		c.Schema = "public"
	}
	if c.NotifyChannel == "" {
		c.NotifyChannel = c.Schema + "_queue"
	}
	if len(c.NotifyChannel) > 63 {
		return nil, fmt.Errorf("pgqueue: New: Config.NotifyChannel %q is longer than PostgreSQL's 63-byte identifier limit (set a shorter NotifyChannel, or a shorter Schema, from which it defaults): %w", c.NotifyChannel, ErrInvalid)
	}
	if c.ListenRetry < 0 {
		return nil, fmt.Errorf("pgqueue: New: Config.ListenRetry is %v (set a positive duration, or 0 for the default 1s): %w", c.ListenRetry, ErrInvalid)
	}
	if c.ListenRetry == 0 {
		c.ListenRetry = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Store{
		pool: pool, schema: c.Schema, channel: c.NotifyChannel, notify: !c.DisableNotify,
		retry: c.ListenRetry, log: c.Logger, sql: newStatements(c.Schema),
		subs: map[*subscriber]struct{}{}, group: !c.DisableGroupComplete,
		groupClaims: !c.DisableGroupClaim, cqueues: map[string]*claimQueue{},
	}, nil
}

// Schema returns the schema the store works in.
func (s *Store) Schema() string { return s.schema }

// querier is what pgxpool.Pool, pgx.Conn and pgx.Tx have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// --- agents -------------------------------------------------------------

// PutAgent implements queuedriver.Store.
func (s *Store) PutAgent(ctx context.Context, a queuedriver.Agent) error {
	_, err := s.pool.Exec(ctx, s.sql.putAgent, a.ID, a.Capacity, a.Online, ts(a.Since))
	if err == nil && s.notify {
		// An agent coming online or gaining capacity may unblock claims.
		s.sendNotify(ctx)
	}
	return mapErr("put agent "+a.ID, err)
}

// GetAgent implements queuedriver.Store.
func (s *Store) GetAgent(ctx context.Context, id string) (queuedriver.Agent, error) {
	a := queuedriver.Agent{ID: id}
	var since *time.Time
	err := s.pool.QueryRow(ctx, s.sql.getAgent, id).Scan(&a.Capacity, &a.Online, &since)
	if errors.Is(err, pgx.ErrNoRows) {
		return queuedriver.Agent{}, fmt.Errorf("pgqueue: get agent %q: %w", id, queuedriver.ErrUnknownAgent)
	}
	if err != nil {
		return queuedriver.Agent{}, mapErr("get agent "+id, err)
	}
	a.Since = fromTS(since)
	return a, nil
}

// --- upsert -------------------------------------------------------------

// Upsert implements queuedriver.Store.
func (s *Store) Upsert(ctx context.Context, p queuedriver.UpsertParams) (queuedriver.Item, error) {
	return val(s.upsert(ctx, s.pool, p))
}

// val turns the internal pointer results into the Store's values.
func val(it *queuedriver.Item, err error) (queuedriver.Item, error) {
	if err != nil || it == nil {
		return queuedriver.Item{}, err
	}
	return *it, nil
}

// UpsertTx is Upsert inside the caller's transaction: the item is created
// or updated, and blocked claimers notified, only if tx commits. A CRM uses
// it to create its ticket and enqueue the conversation atomically. Unlike
// queue.Queue.Enqueue it is the raw store operation, so it validates only
// what the database cannot: the key must not be empty and the score must be
// finite.
func (s *Store) UpsertTx(ctx context.Context, tx pgx.Tx, p queuedriver.UpsertParams) (queuedriver.Item, error) {
	if tx == nil {
		return queuedriver.Item{}, errors.New("pgqueue: upsert: tx is nil")
	}
	return val(s.upsert(ctx, tx, p))
}

func (s *Store) upsert(ctx context.Context, q querier, p queuedriver.UpsertParams) (*queuedriver.Item, error) {
	args, err := s.upsertArgs(p)
	if err != nil {
		return nil, err
	}
	it, err := scanItem(q.QueryRow(ctx, s.sql.upsert, args...))
	if err != nil {
		return nil, mapErr("upsert "+p.Key, err)
	}
	return it, nil
}

// upsertArgs checks p and returns the upsert statement's arguments.
func (s *Store) upsertArgs(p queuedriver.UpsertParams) ([]any, error) {
	if p.Key == "" {
		return nil, errors.New("pgqueue: upsert: empty key")
	}
	if !queuedriver.IsFinite(p.Score) {
		return nil, fmt.Errorf("pgqueue: upsert %q: score %v is not finite", p.Key, p.Score)
	}
	return []any{p.Key, p.Channel, p.Team, p.Language, p.Skills, p.Score, ts(p.Deadline), p.Payload,
		p.Weights.Score, p.Weights.Slack, p.Weights.Wait, p.Weights.Horizon.Microseconds(),
		p.Now, s.notify, s.channel, clampInt32(p.Unanswered)}, nil
}

// --- claim --------------------------------------------------------------

// Claim implements queuedriver.Store. For an agent without a capacity limit
// it is one statement: it picks the best claimable row that matches the
// filter and affinity (expired leases included) with FOR UPDATE SKIP LOCKED
// and leases it. For an agent with a Capacity it runs in a transaction that
// first locks the agent's row, so that concurrent claims for one agent never
// exceed its capacity. Unless Config.DisableGroupClaim is set, concurrent
// Claims with the same filter share one statement (see
// Config.DisableGroupClaim).
func (s *Store) Claim(ctx context.Context, p queuedriver.ClaimParams) (queuedriver.Item, error) {
	if s.groupClaims {
		return val(s.groupClaim(ctx, p, nil))
	}
	items, err := s.claim(ctx, p, []string{p.LeaseID})
	if err != nil {
		return queuedriver.Item{}, err
	}
	return *items[0], nil
}

// CompleteAndClaim completes the lease l and claims the next item for p:
// what Complete followed by Claim do, in one round trip and one commit
// instead of two of each, for an agent that finishes an item and takes
// the next. The claim runs after the completion, in the same transaction,
// so it sees it; for an agent with a Capacity the claim itself runs
// afterwards, under the agent's row lock and in a transaction of its own,
// as Claim does (two commits, then). The claim
// is made whether or not the completion took effect: an agent whose lease
// was lost is free to take the next item all the same. Unless
// Config.DisableGroupClaim is set, the pair joins the round of concurrent
// Claims with the same filter (see Config.DisableGroupClaim).
//
// It returns the completed item (the zero Item if the completion failed)
// and the claimed one (the zero Item if the claim failed). err is nil when
// both succeeded; otherwise it joins the completion's error
// (queuedriver.ErrLeaseLost, ErrUnavailable) and the claim's
// (queuedriver.ErrNoItem, ErrAtCapacity, ErrUnknownAgent, ErrUnavailable),
// each testable with errors.Is. If ctx ends first, the completion may or
// may not have taken effect, as with Complete, and no item is left leased
// to nobody, as with Claim.
func (s *Store) CompleteAndClaim(ctx context.Context, l queuedriver.LeaseRef, p queuedriver.ClaimParams) (done, next queuedriver.Item, err error) {
	fuse := &completeReq{ref: l, done: make(chan struct{})}
	var it *queuedriver.Item
	var claimErr error
	if s.groupClaims {
		it, claimErr = s.groupClaim(ctx, p, fuse)
	} else {
		req := &claimReq{p: p, fuse: fuse, done: make(chan struct{})}
		s.claimRound(ctx, []*claimReq{req})
		it, claimErr = s.claimResult(ctx, req)
	}
	var completeErr error
	select {
	case <-fuse.done:
		if fuse.item != nil {
			done = *fuse.item
		}
		completeErr = fuse.err
	default: // withdrawn with the claim, or still in flight
		completeErr = fmt.Errorf("pgqueue: complete %q: %w", l.Key, context.Cause(ctx))
	}
	if it != nil {
		next = *it
	}
	return done, next, errors.Join(completeErr, claimErr)
}

// ClaimBatch leases up to len(leaseIDs) items for p.Agent in one statement,
// best first, giving the i-th item the lease leaseIDs[i]; p.LeaseID is
// ignored. It never exceeds the agent's capacity: it claims fewer items
// when the agent has fewer free slots. It returns at least one item or an
// error (ErrNoItem, ErrAtCapacity, ErrUnknownAgent), like Claim.
func (s *Store) ClaimBatch(ctx context.Context, p queuedriver.ClaimParams, leaseIDs []string) ([]*queuedriver.Item, error) {
	if len(leaseIDs) == 0 {
		return nil, errors.New("pgqueue: claim batch: no lease ids")
	}
	return s.claim(ctx, p, leaseIDs)
}

// claimStmt returns the claim statement for limit rows and its arguments.
func (s *Store) claimStmt(p queuedriver.ClaimParams, leaseIDs []string, limit int, bypass bool) (string, []any) {
	aff := p.AffinityWindow > 0
	args := []any{
		p.Agent, nonNil(p.Filter.Channels), nonNil(p.Filter.Teams), nonNil(p.Filter.Languages), nonNil(p.Filter.Skills),
		leaseIDs, p.ExpiresAt, aff, p.Now.Add(-p.AffinityWindow), p.Now, bypass,
	}
	stmt, param := s.sql.withLimit(s.sql.claim, limit, len(args)+1)
	if param {
		args = append(args, limit)
	}
	return stmt, args
}

func (s *Store) claim(ctx context.Context, p queuedriver.ClaimParams, leaseIDs []string) ([]*queuedriver.Item, error) {
	items, limited, err := s.claimOnce(ctx, p, leaseIDs)
	if limited {
		return s.claimLimited(ctx, p, leaseIDs)
	}
	return items, err
}

// claimOnce runs the claim statement for an agent without a capacity. For
// an agent with one it claims nothing and reports limited: such claims run
// under the agent's row lock (claimLimited).
func (s *Store) claimOnce(ctx context.Context, p queuedriver.ClaimParams, leaseIDs []string) (items []*queuedriver.Item, limited bool, err error) {
	op := "claim for " + p.Agent
	stmt, args := s.claimStmt(p, leaseIDs, len(leaseIDs), false)
	rows, err := s.pool.Query(ctx, stmt, args...)
	if err != nil {
		return nil, false, mapErr(op, err)
	}
	capacity, items, err := scanClaim(rows)
	if err != nil {
		return nil, false, mapErr(op, err)
	}
	return claimOutcome(op, capacity, items)
}

// claimOutcome interprets the claim statement's result for op: the
// agent's capacity (nil for an unknown agent) and the items it leased;
// limited reports an agent with a capacity, whose claim must run under its
// row lock (claimLimited).
func claimOutcome(op string, capacity *int, items []*queuedriver.Item) (_ []*queuedriver.Item, limited bool, _ error) {
	switch {
	case capacity == nil:
		return nil, false, fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrUnknownAgent)
	case *capacity > 0:
		return nil, true, nil
	case len(items) == 0:
		return nil, false, fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrNoItem)
	}
	return items, false, nil
}

// claimLimited claims for an agent with a capacity, holding its row lock.
func (s *Store) claimLimited(ctx context.Context, p queuedriver.ClaimParams, leaseIDs []string) ([]*queuedriver.Item, error) {
	op := "claim for " + p.Agent
	var items []*queuedriver.Item
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var capacity int
		if err := tx.QueryRow(ctx, s.sql.lockAgent, p.Agent).Scan(&capacity); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return queuedriver.ErrUnknownAgent
			}
			return err
		}
		limit := len(leaseIDs)
		if capacity > 0 {
			var held int
			// A new statement, so a new snapshot: it sees every claim
			// committed by whoever held the agent lock before us.
			if err := tx.QueryRow(ctx, s.sql.held, p.Agent, p.Now).Scan(&held); err != nil {
				return err
			}
			if held >= capacity {
				return queuedriver.ErrAtCapacity
			}
			limit = min(limit, capacity-held)
		}
		stmt, args := s.claimStmt(p, leaseIDs, limit, true)
		rows, err := tx.Query(ctx, stmt, args...)
		if err != nil {
			return err
		}
		_, items, err = scanClaim(rows)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return queuedriver.ErrNoItem
		}
		return nil
	})
	switch {
	case errors.Is(err, queuedriver.ErrUnknownAgent), errors.Is(err, queuedriver.ErrAtCapacity), errors.Is(err, queuedriver.ErrNoItem):
		return nil, fmt.Errorf("pgqueue: %s: %w", op, err)
	case err != nil:
		return nil, mapErr(op, err)
	}
	return items, nil
}

// scanClaim reads the claim statement's result: the agent's capacity (nil
// for an unknown agent) and the leased items.
func scanClaim(rows pgx.Rows) (*int, []*queuedriver.Item, error) {
	defer rows.Close()
	var capacity *int
	var items []*queuedriver.Item
	for rows.Next() {
		var r itemRow
		var key *string
		dest := append([]any{&capacity, &key}, r.dest()[1:]...)
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		if key != nil {
			r.Key = *key
			items = append(items, r.item())
		}
	}
	return capacity, items, rows.Err()
}

// --- lease operations ---------------------------------------------------

// leaseOp runs a statement that updates the item only under its current
// lease and maps "no row" to ErrLeaseLost.
func (s *Store) leaseOp(ctx context.Context, op, key, stmt string, args ...any) (*queuedriver.Item, error) {
	it, err := scanItem(s.pool.QueryRow(ctx, stmt, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pgqueue: %s %q: %w", op, key, queuedriver.ErrLeaseLost)
	}
	if err != nil {
		return nil, mapErr(op+" "+key, err)
	}
	return it, nil
}

// Extend implements queuedriver.Store.
func (s *Store) Extend(ctx context.Context, l queuedriver.LeaseRef, expiresAt time.Time) (queuedriver.Item, error) {
	return val(s.leaseOp(ctx, "extend", l.Key, s.sql.extend, l.Key, l.LeaseID, l.Now, expiresAt))
}

// Complete implements queuedriver.Store. Unless
// Config.DisableGroupComplete is set, concurrent Completes share one
// statement (see Config.DisableGroupComplete).
func (s *Store) Complete(ctx context.Context, l queuedriver.LeaseRef) (queuedriver.Item, error) {
	if s.group {
		return val(s.groupComplete(ctx, l))
	}
	return val(s.leaseOp(ctx, "complete", l.Key, s.sql.complete, l.Key, l.LeaseID, l.Now))
}

// CompleteBatch completes every lease in refs in one statement. It returns
// the items it completed, in no particular order; if some leases were not
// current, the others are still completed and the error is a
// *LeaseLostError naming them (errors.Is(err, queuedriver.ErrLeaseLost)).
func (s *Store) CompleteBatch(ctx context.Context, refs []queuedriver.LeaseRef) ([]*queuedriver.Item, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	keys := make([]string, len(refs))
	leases := make([]string, len(refs))
	nows := make([]time.Time, len(refs))
	for i, r := range refs {
		keys[i], leases[i], nows[i] = r.Key, r.LeaseID, r.Now
	}
	rows, err := s.pool.Query(ctx, s.sql.completeBatch, keys, leases, nows)
	if err != nil {
		return nil, mapErr("complete batch", err)
	}
	items, err := scanItems(rows)
	if err != nil {
		return nil, mapErr("complete batch", err)
	}
	if len(items) < len(refs) {
		done := make(map[string]bool, len(items))
		for _, it := range items {
			done[it.Key] = true
		}
		lost := &LeaseLostError{}
		for _, r := range refs {
			if !done[r.Key] {
				lost.Keys = append(lost.Keys, r.Key)
			}
		}
		if len(lost.Keys) > 0 {
			return items, lost
		}
	}
	return items, nil
}

// Release implements queuedriver.Store.
func (s *Store) Release(ctx context.Context, l queuedriver.LeaseRef, p queuedriver.ReleaseParams) (queuedriver.Item, error) {
	return val(s.leaseOp(ctx, "release", l.Key, s.sql.release, l.Key, l.LeaseID, l.Now, ts(p.Until), p.Team, s.notify, s.channel))
}

// Reassign implements queuedriver.Store.
func (s *Store) Reassign(ctx context.Context, p queuedriver.ReassignParams) (queuedriver.Item, error) {
	return val(s.reassign(ctx, p))
}

func (s *Store) reassign(ctx context.Context, p queuedriver.ReassignParams) (*queuedriver.Item, error) {
	op := "reassign " + p.Key + " to " + p.ToAgent
	var known bool
	var key *string
	var r itemRow
	dest := append([]any{&known, &key}, r.dest()[1:]...)
	err := s.pool.QueryRow(ctx, s.sql.reassign, p.Key, p.FromLeaseID, p.ToAgent, p.NewLeaseID, p.ExpiresAt, p.Now).Scan(dest...)
	switch {
	case err != nil:
		return nil, mapErr(op, err)
	case !known:
		return nil, fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrUnknownAgent)
	case key == nil && p.FromLeaseID != "":
		return nil, fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrLeaseLost)
	case key == nil:
		return nil, fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrNotFound)
	}
	r.Key = *key
	return r.item(), nil
}

// ReleaseAgent implements queuedriver.Store.
func (s *Store) ReleaseAgent(ctx context.Context, agent string, now time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, s.sql.releaseAgent, agent, now, s.notify, s.channel)
	if err != nil {
		return nil, mapErr("release agent "+agent, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, mapErr("release agent "+agent, err)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	slices.Sort(keys)
	return keys, nil
}

// --- reads --------------------------------------------------------------

// Get implements queuedriver.Store.
func (s *Store) Get(ctx context.Context, key string) (queuedriver.Item, error) {
	it, err := scanItem(s.pool.QueryRow(ctx, s.sql.get, key))
	if err != nil {
		return queuedriver.Item{}, mapErr("get "+key, err)
	}
	return *it, nil
}

// Count implements queuedriver.Store.
func (s *Store) Count(ctx context.Context, f queuedriver.Filter, now time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, s.sql.count, nonNil(f.Channels), nonNil(f.Teams), nonNil(f.Languages), nonNil(f.Skills), now).Scan(&n)
	return n, mapErr("count", err)
}

// Stats implements queuedriver.Store.
func (s *Store) Stats(ctx context.Context, now time.Time) (queuedriver.Stats, error) {
	st := queuedriver.Stats{WaitingByChannel: map[string]int{}, WaitingByTeam: map[string]int{}, ClaimsByAgent: map[string]int{}}
	rows, err := s.pool.Query(ctx, s.sql.stats, now)
	if err != nil {
		return queuedriver.Stats{}, mapErr("stats", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, name string
		var n int
		var oldest *time.Time
		if err := rows.Scan(&kind, &name, &n, &oldest); err != nil {
			return queuedriver.Stats{}, mapErr("stats", err)
		}
		switch kind {
		case "channel":
			st.WaitingByChannel[name] = n
		case "team":
			st.WaitingByTeam[name] = n
		case "agent":
			st.ClaimsByAgent[name] = n
		case "oldest":
			st.OldestWaiting = fromTS(oldest)
		}
	}
	if err := rows.Err(); err != nil {
		return queuedriver.Stats{}, mapErr("stats", err)
	}
	return st, nil
}

// --- helpers ------------------------------------------------------------

// ts maps the zero time to NULL.
func ts(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fromTS maps NULL to the zero time and returns UTC times.
func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nonNil turns a nil filter list into an empty array (a NULL array would
// make every comparison NULL).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// itemRow is the scan target for one item row.
type itemRow struct {
	queuedriver.Item
	deadline, enqueued, updated, leaseExp, snoozed, lastHeld *time.Time
	state                                                    int16
}

// itemCols lists the columns in the order of itemRow.dest.
const itemCols = `key, channel, team, language, skills, score, deadline, rank, unanswered, payload,
	enqueued_at, updated_at, version, state, holder, lease_id, lease_expires_at, snoozed_until,
	last_agent, last_held_at, claims`

func (r *itemRow) dest() []any {
	return []any{&r.Key, &r.Channel, &r.Team, &r.Language, &r.Skills, &r.Score, &r.deadline, &r.Rank,
		&r.Unanswered, &r.Payload, &r.enqueued, &r.updated, &r.Version, &r.state, &r.Holder, &r.LeaseID,
		&r.leaseExp, &r.snoozed, &r.LastAgent, &r.lastHeld, &r.Claims}
}

func (r *itemRow) item() *queuedriver.Item {
	it := r.Item
	it.Deadline = fromTS(r.deadline)
	it.EnqueuedAt = fromTS(r.enqueued)
	it.UpdatedAt = fromTS(r.updated)
	it.LeaseExpiresAt = fromTS(r.leaseExp)
	it.SnoozedUntil = fromTS(r.snoozed)
	it.LastHeldAt = fromTS(r.lastHeld)
	it.State = queuedriver.State(r.state)
	return &it
}

func scanItem(row pgx.Row) (*queuedriver.Item, error) {
	var r itemRow
	if err := row.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.item(), nil
}

func scanItems(rows pgx.Rows) ([]*queuedriver.Item, error) {
	defer rows.Close()
	var items []*queuedriver.Item
	for rows.Next() {
		var r itemRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		items = append(items, r.item())
	}
	return items, rows.Err()
}

// statements holds the SQL, qualified with the store's schema.
type statements struct {
	putAgent, getAgent, lockAgent, held                string
	upsert, claim, claimGroup, extend, complete        string
	completeBatch                                      string
	release, reassign, releaseAgent, get, count, stats string
	notify                                             string
	update, purgeDone                                  string

	limited *sync.Map // withLimit's statements, by template and limit
}

// maxLiteralLimit is the largest LIMIT that withLimit writes into the
// statement text.
const maxLiteralLimit = 64

// withLimit returns the statement template with its {limit} replaced, and
// whether the limit is a parameter (number param, which the caller must
// then pass). Up to maxLiteralLimit the limit is written as a literal: with
// "LIMIT $n" PostgreSQL's generic plan assumes that a tenth of the
// candidate rows are wanted, estimates it far dearer than a custom plan
// and so plans every execution afresh, which costs more CPU than the claim
// itself; with a literal limit the prepared statement keeps its generic
// plan. Each distinct limit is one more prepared statement per connection.
func (st statements) withLimit(tmpl string, limit, param int) (string, bool) {
	if limit < 1 || limit > maxLiteralLimit {
		return strings.Replace(tmpl, "{limit}", fmt.Sprintf("$%d", param), 1), true
	}
	type key struct {
		tmpl  string
		limit int
	}
	k := key{tmpl, limit}
	if v, ok := st.limited.Load(k); ok {
		return v.(string), false
	}
	v, _ := st.limited.LoadOrStore(k, strings.Replace(tmpl, "{limit}", fmt.Sprint(limit), 1))
	return v.(string), false
}

func newStatements(schema string) statements {
	items := pgx.Identifier{schema, "queue_item"}.Sanitize()
	agents := pgx.Identifier{schema, "queue_agent"}.Sanitize()
	r := strings.NewReplacer("{items}", items, "{agents}", agents, "{cols}", itemCols, "{icols}", prefixCols("i."))
	return statements{
		putAgent:      r.Replace(sqlPutAgent),
		getAgent:      r.Replace(`SELECT capacity, online, since FROM {agents} WHERE id = $1`),
		lockAgent:     r.Replace(`SELECT capacity FROM {agents} WHERE id = $1 FOR UPDATE`),
		held:          r.Replace(`SELECT count(*) FROM {items} WHERE state = 2 AND holder = $1 AND lease_expires_at > $2`),
		upsert:        r.Replace(sqlUpsert),
		claim:         r.Replace(sqlClaim),
		claimGroup:    r.Replace(sqlClaimGroup),
		extend:        r.Replace(sqlExtend),
		complete:      r.Replace(sqlComplete),
		completeBatch: r.Replace(sqlCompleteBatch),
		release:       r.Replace(sqlRelease),
		reassign:      r.Replace(sqlReassign),
		releaseAgent:  r.Replace(sqlReleaseAgent),
		get:           r.Replace(`SELECT {cols} FROM {items} WHERE key = $1`),
		count:         r.Replace(sqlCount),
		stats:         r.Replace(sqlStats),
		notify:        `SELECT pg_notify($1, '')`,
		update:        r.Replace(sqlUpdate),
		purgeDone:     r.Replace(sqlPurgeDone),
		limited:       &sync.Map{},
	}
}

func prefixCols(p string) string {
	cols := strings.Split(itemCols, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
