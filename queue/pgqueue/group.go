package pgqueue

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// completeReq is one Complete waiting for a group statement.
type completeReq struct {
	ref  queuedriver.LeaseRef
	item *queuedriver.Item
	err  error
	done chan struct{}
}

// groupComplete completes l together with the Completes that other
// goroutines of this Store issue at the same moment, in one CompleteBatch
// statement (group commit): a caller that finds no batch in flight runs
// one with every pending request (its own included) and, if more arrived
// meanwhile, leaves a goroutine to run batches until none is pending; the
// others wait for their result. It adds no delay: a lone caller runs a
// batch of one at once.
func (s *Store) groupComplete(ctx context.Context, l queuedriver.LeaseRef) (*queuedriver.Item, error) {
	req := &completeReq{ref: l, done: make(chan struct{})}
	s.gmu.Lock()
	s.gpending = append(s.gpending, req)
	lead := !s.grunning
	s.grunning = true
	s.gmu.Unlock()
	if lead && s.runGroup(context.WithoutCancel(ctx)) {
		go func() {
			for s.runGroup(context.WithoutCancel(ctx)) {
			}
		}()
	}
	select {
	case <-req.done:
		return req.item, req.err
	case <-ctx.Done():
		return nil, fmt.Errorf("pgqueue: complete %q: %w", l.Key, context.Cause(ctx))
	}
}

// runGroup runs one batch of the pending requests; it reports whether
// requests are still pending (the caller must then run another batch) and
// otherwise marks the group idle.
func (s *Store) runGroup(ctx context.Context) bool {
	{
		s.gmu.Lock()
		batch := s.gpending
		s.gpending = nil
		s.gmu.Unlock()
		// A key may appear once per statement; later duplicates wait for
		// the next round.
		seen := make(map[string]bool, len(batch))
		var now, later []*completeReq
		for _, r := range batch {
			if seen[r.ref.Key] {
				later = append(later, r)
				continue
			}
			seen[r.ref.Key] = true
			now = append(now, r)
		}
		if len(later) > 0 {
			s.gmu.Lock()
			s.gpending = append(later, s.gpending...)
			s.gmu.Unlock()
		}
		refs := make([]queuedriver.LeaseRef, len(now))
		for i, r := range now {
			refs[i] = r.ref
		}
		items, err := s.CompleteBatch(ctx, refs)
		settleCompletes(now, items, err)
	}
	s.yield()
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if len(s.gpending) == 0 {
		s.grunning = false
		return false
	}
	return true
}

// claimReq is one Claim waiting for a group statement.
type claimReq struct {
	p    queuedriver.ClaimParams
	item *queuedriver.Item
	err  error
	// redo asks the caller to run its claim alone: its agent has a
	// capacity, or the group's candidates ran out before its turn.
	redo bool
	// limited says the agent has a capacity: the redo runs under the
	// agent's row lock at once (claimLimited), without the first statement.
	limited bool
	// fuse, if set, is a completion to commit in the same transaction as
	// the claim, before it (CompleteAndClaim).
	fuse *completeReq
	done chan struct{}
}

// claimQueue holds the pending Claims of one filter.
type claimQueue struct {
	pending []*claimReq
	running bool // a round is in flight
}

// filterKey identifies a filter: Claims group only with Claims of the same
// filter, and Claims of different filters never wait for each other.
func filterKey(f queuedriver.Filter) string {
	var b strings.Builder
	for _, list := range [][]string{f.Channels, f.Teams, f.Languages, f.Skills} {
		for _, v := range list {
			b.WriteString(strconv.Quote(v))
		}
		b.WriteByte('|')
	}
	return b.String()
}

// groupClaim claims for p together with the Claims with the same filter
// that other goroutines of this Store issue at the same moment, the way
// groupComplete groups Completes: a caller that finds no claim for its
// filter in flight runs one for every pending request of that filter (its
// own included) and, if more arrived meanwhile, leaves a goroutine to run
// rounds until none is pending; the others wait for their result. A lone
// caller runs the ordinary claim statement at once; two or more share one
// statement (sqlClaimGroup) and one commit, which picks and leases their
// items as if their claims had run one after another in arrival order.
//
// A caller whose ctx ends while its request is still pending withdraws it.
// Once the request is in flight, its statement runs to its end: the caller
// waits for it (up to claimCancelGrace) and returns the item it leased, if
// any, as a claim that won the race with the cancellation; past the grace
// it returns ctx's error and the item, if one was leased, is released when
// the statement ends, so that it never stays leased to nobody.
//
// fuse, if not nil, is a completion to run in the claim's round, before it
// (CompleteAndClaim); it is withdrawn with the claim.
func (s *Store) groupClaim(ctx context.Context, p queuedriver.ClaimParams, fuse *completeReq) (*queuedriver.Item, error) {
	op := "claim for " + p.Agent
	if err := ctx.Err(); err != nil {
		return nil, mapErr(op, context.Cause(ctx))
	}
	req := &claimReq{p: p, fuse: fuse, done: make(chan struct{})}
	key := filterKey(p.Filter)
	s.cmu.Lock()
	q := s.cqueues[key]
	if q == nil {
		q = &claimQueue{}
		s.cqueues[key] = q
	}
	q.pending = append(q.pending, req)
	lead := !q.running
	q.running = true
	s.cmu.Unlock()
	if lead && s.runClaims(context.WithoutCancel(ctx), key, q) {
		go func() {
			for s.runClaims(context.WithoutCancel(ctx), key, q) {
			}
		}()
	}
	select {
	case <-req.done:
	case <-ctx.Done():
		s.cmu.Lock()
		i := slices.Index(q.pending, req)
		if i >= 0 {
			q.pending = slices.Delete(q.pending, i, i+1)
		}
		s.cmu.Unlock()
		if i >= 0 { // withdrawn before its round
			return nil, mapErr(op, context.Cause(ctx))
		}
		// In flight: its round's statement runs to the end whatever ctx
		// says. Wait for it (one round trip), so that an item it leased is
		// reported rather than left leased to nobody; should it take longer
		// than claimCancelGrace, give up and release that item when it
		// arrives.
		t := time.NewTimer(claimCancelGrace)
		defer t.Stop()
		select {
		case <-req.done:
		case <-t.C:
			go func() {
				<-req.done
				if req.item != nil {
					rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimCancelGrace)
					defer cancel()
					_, _ = s.Release(rctx, queuedriver.LeaseRef{Key: req.item.Key, LeaseID: p.LeaseID, Now: p.Now}, queuedriver.ReleaseParams{})
				}
			}()
			return nil, mapErr(op, context.Cause(ctx))
		}
	}
	return s.claimResult(ctx, req)
}

// claimResult returns the result of req once its round is over, running
// the claim alone first if the round handed it back (redo).
func (s *Store) claimResult(ctx context.Context, req *claimReq) (*queuedriver.Item, error) {
	if req.redo {
		claim := s.claim
		if req.limited { // known already: skip claim's first statement
			claim = s.claimLimited
		}
		items, err := claim(ctx, req.p, []string{req.p.LeaseID})
		if err != nil {
			return nil, err
		}
		return items[0], nil
	}
	return req.item, req.err
}

// runClaims runs one round of q's pending claims (at most maxClaimGroup;
// the rest wait for the next round). It reports whether requests are still
// pending (the caller must then run another round) and otherwise marks q
// idle and forgets it.
func (s *Store) runClaims(ctx context.Context, key string, q *claimQueue) bool {
	s.cmu.Lock()
	// A key may be completed once per statement: a second completion of
	// it waits for the next round.
	var batch, later []*claimReq
	fused := map[string]bool{}
	for _, r := range q.pending {
		switch {
		case len(batch) == maxClaimGroup:
			later = append(later, r)
		case r.fuse != nil && fused[r.fuse.ref.Key]:
			later = append(later, r)
		default:
			if r.fuse != nil {
				fused[r.fuse.ref.Key] = true
			}
			batch = append(batch, r)
		}
	}
	q.pending = later
	s.cmu.Unlock()
	if len(batch) > 0 {
		s.claimRound(ctx, batch)
	}
	s.yield()
	s.cmu.Lock()
	defer s.cmu.Unlock()
	if len(q.pending) == 0 {
		q.running = false
		delete(s.cqueues, key)
		return false
	}
	return true
}

// yield lets the goroutines that the round just answered run before the
// round's runner looks for more work: a worker that gets its item and at
// once completes it (or claims the next) then joins the next round instead
// of waiting for the one after it, so rounds stay full and there are fewer
// commits per item. It adds no delay when nothing else is runnable.
func (s *Store) yield() {
	if !s.noYield {
		runtime.Gosched()
	}
}

// maxClaimGroup bounds how many claims share one statement.
const maxClaimGroup = 64

// claimCancelGrace is how long a Claim whose ctx ended waits for the group
// statement it is part of (see groupClaim).
const claimCancelGrace = 2 * time.Second

// claimRound serves reqs, which share a filter, with one claim statement
// (see claimGroupStmt) and closes their done channels. The completions
// fused to some of them (CompleteAndClaim) run first, in one CompleteBatch
// statement sent with the claim statement as one pgx.Batch: one round trip
// and one implicit transaction, so one commit for the whole round. The
// claim statement sees the completions, as if they had run before it.
func (s *Store) claimRound(ctx context.Context, reqs []*claimReq) {
	defer func() {
		for _, r := range reqs {
			close(r.done)
		}
	}()
	var fused []*completeReq
	for _, r := range reqs {
		if r.fuse != nil {
			fused = append(fused, r.fuse)
		}
	}
	stmt, args := s.claimGroupStmt(reqs)
	if len(fused) == 0 {
		rows, err := s.pool.Query(ctx, stmt, args...)
		if err == nil {
			err = scanClaimRound(rows, reqs)
		}
		if err != nil {
			failClaims(reqs, err)
		}
		return
	}
	b := &pgx.Batch{}
	b.Queue(s.sql.completeBatch, completeArgs(fused)...)
	b.Queue(stmt, args...)
	br := s.pool.SendBatch(ctx, b)
	var items []*queuedriver.Item
	err := func() error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		if items, err = scanItems(rows); err != nil {
			return err
		}
		if rows, err = br.Query(); err != nil {
			return err
		}
		return scanClaimRound(rows, reqs)
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		settleCompletes(fused, items, nil)
	case errors.As(err, &pgErr):
		// The server rejected a statement, so the transaction was rolled
		// back: run the two statements one after the other, so that one's
		// failure is not the other's.
		for _, r := range reqs {
			r.item, r.redo, r.limited, r.err = nil, false, false, nil
		}
		refs := make([]queuedriver.LeaseRef, len(fused))
		for i, f := range fused {
			refs[i] = f.ref
		}
		items, err := s.CompleteBatch(ctx, refs)
		settleCompletes(fused, items, err)
		rows, err := s.pool.Query(ctx, stmt, args...)
		if err == nil {
			err = scanClaimRound(rows, reqs)
		}
		if err != nil {
			failClaims(reqs, err)
		}
	default:
		// A connection failure: the commit may or may not have happened,
		// so nothing may be run again.
		settleCompletes(fused, nil, mapErr("complete batch", err))
		failClaims(reqs, err)
	}
}

// failClaims gives every request of reqs the error err.
func failClaims(reqs []*claimReq, err error) {
	for _, r := range reqs {
		r.item, r.redo, r.limited, r.err = nil, false, false, mapErr("claim for "+r.p.Agent, err)
	}
}

// claimGroupStmt returns the statement that serves reqs, which share a
// filter, and its arguments: the ordinary claim statement for one request,
// sqlClaimGroup for several.
func (s *Store) claimGroupStmt(reqs []*claimReq) (string, []any) {
	if len(reqs) == 1 {
		p := reqs[0].p
		return s.claimStmt(p, []string{p.LeaseID}, 1, false)
	}
	n := len(reqs)
	agents, leases, affs := make([]string, n), make([]string, n), make([]bool, n)
	expires, cutoffs, nows := make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	for i, r := range reqs {
		agents[i], leases[i], affs[i] = r.p.Agent, r.p.LeaseID, r.p.AffinityWindow > 0
		expires[i], cutoffs[i], nows[i] = r.p.ExpiresAt, r.p.Now.Add(-r.p.AffinityWindow), r.p.Now
	}
	f := reqs[0].p.Filter
	stmt, _ := s.sql.withLimit(s.sql.claimGroup, n, 0) // n <= maxClaimGroup <= maxLiteralLimit
	return stmt, []any{nonNil(f.Channels), nonNil(f.Teams), nonNil(f.Languages), nonNil(f.Skills),
		agents, leases, expires, affs, cutoffs, nows}
}

// scanClaimRound reads the result of claimGroupStmt(reqs) into reqs. It
// returns an error only if reading failed.
func scanClaimRound(rows pgx.Rows, reqs []*claimReq) error {
	if len(reqs) > 1 {
		return scanClaimGroup(rows, reqs)
	}
	r := reqs[0]
	capacity, items, err := scanClaim(rows)
	if err != nil {
		return err
	}
	items, r.limited, r.err = claimOutcome("claim for "+r.p.Agent, capacity, items)
	r.redo = r.limited
	if len(items) > 0 {
		r.item = items[0]
	}
	return nil
}

// completeArgs are sqlCompleteBatch's parameters for reqs.
func completeArgs(reqs []*completeReq) []any {
	keys := make([]string, len(reqs))
	leases := make([]string, len(reqs))
	nows := make([]time.Time, len(reqs))
	for i, r := range reqs {
		keys[i], leases[i], nows[i] = r.ref.Key, r.ref.LeaseID, r.ref.Now
	}
	return []any{keys, leases, nows}
}

// settleCompletes gives each of reqs its item from items, the result of
// CompleteBatch, or its error, and closes their done channels. A request
// whose item is missing lost its lease, unless err says the statement
// failed.
func settleCompletes(reqs []*completeReq, items []*queuedriver.Item, err error) {
	byKey := make(map[string]*queuedriver.Item, len(items))
	for _, it := range items {
		byKey[it.Key] = it
	}
	var lost *LeaseLostError
	for _, r := range reqs {
		switch it := byKey[r.ref.Key]; {
		case it != nil:
			r.item = it
		case err == nil || errors.As(err, &lost):
			r.err = fmt.Errorf("pgqueue: complete %q: %w", r.ref.Key, queuedriver.ErrLeaseLost)
		default:
			r.err = err
		}
		close(r.done)
	}
}

// scanClaimGroup reads sqlClaimGroup's result into reqs.
func scanClaimGroup(rows pgx.Rows, reqs []*claimReq) error {
	defer rows.Close()
	for rows.Next() {
		var n, found int
		var capacity *int
		var key *string
		var r itemRow
		dest := append([]any{&n, &capacity, &found, new(int64), &key}, r.dest()[1:]...)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if n < 1 || n > len(reqs) {
			return fmt.Errorf("claim group: result for claim %d of %d", n, len(reqs))
		}
		req := reqs[n-1]
		op := "claim for " + req.p.Agent
		switch {
		case key != nil:
			r.Key = *key
			req.item = r.item()
		case capacity == nil:
			req.err = fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrUnknownAgent)
		case *capacity > 0: // a limited agent claims under its row lock
			req.redo, req.limited = true, true
		case found == len(reqs):
			// Every candidate was taken or reserved before this claim's
			// turn: rows beyond the candidates may remain for it.
			req.redo = true
		default:
			req.err = fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrNoItem)
		}
	}
	return rows.Err()
}
