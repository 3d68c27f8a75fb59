// Package pgqueue is the PostgreSQL queuedriver.Store: many desk processes
// share one queue, and nothing is lost when one of them dies. It passes the
// same conformance suite (queuedrivertest) as the in-memory memqueue and
// behaves exactly like it; wrap it in a queue.Queue.
//
// # Set-up
//
//	pool, err := pgxpool.New(ctx, "postgres://...")
//	err = pgqueue.Migrate(ctx, pool, "socialcare") // at every start-up; idempotent, serialized
//	store, err := pgqueue.New(pool, &pgqueue.Config{Schema: "socialcare"})
//	q, err := queue.New(store, nil)
//
// The caller owns the pool and closes it after the last use of the Store;
// call Store.Close first if Notify was used.
//
// # Schema
//
// Migrations are embedded, versioned SQL files (migrations/NNN_name.up.sql
// and .down.sql) applied by Migrate and MigrateTo, each in its own
// transaction under an advisory lock; <schema>.queue_migration records the
// applied versions. Version 1 creates:
//
//   - queue_agent (id, capacity, online, since): the agents that
//     queuedriver.Store.PutAgent registers.
//   - queue_item: one row per conversation, with the columns of
//     queuedriver.Item (state 1 waiting, 2 claimed, 3 snoozed, 4 done; times
//     as timestamptz at microsecond precision, returned in UTC; NULL for a
//     zero time) and a stored generated column claimable_at: -infinity when
//     waiting, the lease expiry when claimed, the snooze end when snoozed,
//     +infinity when done.
//   - queue_item_claim_idx on (rank DESC, enqueued_at, key) WHERE state <> 4:
//     the claim's order, so a claim reads the index from the top and stops
//     at the first claimable, matching, unlocked row.
//   - queue_item_holder_idx on (holder) WHERE state = 2: capacity checks and
//     ReleaseAgent.
//
// Version 2 adds queue_item_done_idx on (updated_at) WHERE state = 4, which
// Store.PurgeDone (queuedriver.Purger) reads oldest first.
//
// rank is queuedriver.Rank computed in SQL with the same floating-point
// operations, so it equals the Go value bit for bit.
//
// # Claims and leases
//
// A claim is one statement: a CTE selects the best claimable rows that match
// the agent's filter and affinity, ordered by the index, LIMIT n FOR UPDATE
// SKIP LOCKED, and an UPDATE ... RETURNING leases them. Expired leases are
// claimable like waiting items, so they are reclaimed inside the claim; no
// sweeper is needed. For an agent with a Capacity, the claim runs in a short
// transaction that first locks the agent's row, so concurrent claims for the
// same agent never exceed it. Every lease operation (Extend, Complete,
// Release, Reassign with a FromLeaseID, CompleteBatch) updates the row only
// WHERE lease_id and holder state match and lease_expires_at is still in the
// future, and fails with queuedriver.ErrLeaseLost otherwise.
//
// ClaimBatch and CompleteBatch do the same for many items in one statement.
//
// # Grouping concurrent calls
//
// Each statement outside a transaction is a commit, and a commit waits for
// the WAL to reach the disk; each claim also walks the top of
// queue_item_claim_idx, which holds the entries of recently claimed and
// done items until VACUUM removes them. So that many workers sharing one
// Store do not pay both once per item, the Completes that its goroutines
// issue while another Complete is in flight, and the Claims they issue
// while another Claim with the same Filter is in flight, are served
// together: Completes by one CompleteBatch, Claims by one statement that
// picks candidates once and hands them out as if the Claims had run one
// after another in arrival order (affinity, capacity and expired leases
// included; a claim the candidates cannot settle runs alone afterwards).
// When every Claim of the round may take every candidate (no affinity
// reservation or lease expiring between their times stands in the way,
// the usual case) the k-th Claim simply gets the k-th candidate, paired
// in one join; otherwise the statement walks the Claims one at a time.
// Claims with different filters never wait for each other, and a lone
// call runs at once. A round's runner lets the callers it has just
// answered run before it takes the next round's requests, so that a worker
// that calls again at once (completes the item it got, claims the next)
// joins that round rather than the one after it. A grouped Claim whose ctx ends while its statement
// runs waits for the statement (up to two seconds) and returns the item it
// leased, so that no item stays leased to nobody. See
// Config.DisableGroupClaim and Config.DisableGroupComplete.
//
// The claim statements carry their LIMIT as a literal (up to 64; one
// prepared statement per limit used), not as a parameter: with a
// parameter PostgreSQL's generic plan assumes a tenth of the candidates
// are wanted, prices itself far above a custom plan and is never chosen,
// so every execution would be planned afresh, which costs more CPU than
// the claim.
//
// # Completing and claiming the next item in one commit
//
// An agent that works one item at a time with Claim and Complete waits for
// two commits per item, one after the other, and on a busy server the
// time goes there, not into the statements: measured at 16 workers on 2
// shared cores with pg_stat_statements and pg_stat_wal, a grouped claim
// costs 0.08 to 0.14 ms of execution per item and a grouped completion
// 0.04 to 0.07 ms, while each WAL flush takes 1.8 to 2.8 ms and flushing kept the
// disk busy 60% of the time. Store.CompleteAndClaim completes an item and
// claims the next in one round trip and one transaction, so one commit:
// the completion and the claim statement are sent as one pgx.Batch, which
// PostgreSQL runs as one implicit transaction, and the pair joins the
// round of concurrent Claims with the same filter (N such calls: two
// statements and one commit). The claim sees the completion, as Complete
// followed by Claim would; for an agent with a Capacity the claim then runs
// under the agent's row lock, in its own transaction, as Claim does.
//
// Measured against River with the benchmarks module (its package doc says
// how): two rounds of 8 s cases over 60,000 items, all cases of a round one
// after another on the same PostgreSQL 15, on 2 virtual cores with nothing
// else running; means of the two rounds, items/s, and the ratio to River:
//
//	workers   River   Claim+Complete   CompleteAndClaim   batches of 10
//	1           642     658  (1.03x)      961  (1.50x)      2940  (4.6x)
//	4          1454     956  (0.66x)     1894  (1.30x)      4794  (3.3x)
//	16         3997    2595  (0.65x)     4096  (1.02x)      4508  (1.13x)
//
// River's workers do not wait for their completions to commit (a
// background completer batches them), so a River job waits for one commit
// where Claim then Complete wait for two and CompleteAndClaim for one;
// the single-item paths are bound by the commits they wait for. On this
// machine pg_test_fsync gives 0.5 ms per fdatasync of one 8 kB write and
// 1.2 ms for two; one worker's 658 items/s with Claim then Complete is
// about 0.76 ms per commit, and 16 workers that each wait for two commits
// per item in turn cannot pass 16 / (2 x 0.76 ms), about 10,500 items/s,
// before any statement runs (on a busy server the flushes took 1.8 to
// 2.8 ms, as above).
//
// # Transactions
//
// UpsertTx enqueues inside the caller's pgx.Tx, so a CRM can create its
// ticket and enqueue the conversation atomically; the notification to
// blocked claimers is sent only if the transaction commits. CompleteTx
// completes a lease the same way. QueueUpsert and QueueComplete put the
// same statements into the caller's pgx.Batch instead, so that the
// caller's statements and the queue's go in one round trip: a batch sent
// outside a transaction runs as one implicit transaction, and one that
// begins a transaction (pgx.Batch.BeginTx) saves the round trip of its
// BEGIN. A lost lease is not a database error, so a completion goes in a
// batch that begins a transaction, committed once the results were read
// without error (care/pgcare resolves a conversation so).
//
// # Waking blocked claimers
//
// Upsert, Release (back to waiting), ReleaseAgent and PutAgent send a
// NOTIFY on Config.NotifyChannel. Notify returns a channel that receives a
// coalesced wake-up when any process sends one; queue.Queue (or any caller)
// selects on it besides its polling timer, which stays as the fallback for
// lost notifications and for snoozes that end.
//
// # Errors
//
// pgx errors are mapped at the boundary: no row becomes ErrNotFound,
// ErrLeaseLost, ErrUnknownAgent or ErrNoItem as the operation means it, and
// connection failures (a restart, a network fault, a serialization failure)
// wrap ErrUnavailable, which callers test with errors.Is or Retryable and
// retry after a pause.
package pgqueue
