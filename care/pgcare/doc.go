// Package pgcare is the PostgreSQL care.Store: several desk processes share
// their conversations, the dedup keys of the messages they took, the
// acknowledgements they sent and the follow-ups they scheduled, and nothing
// is lost when one of them restarts. It passes the same conformance suite
// (caredrivertest) as the in-memory care.MemStore and behaves like it.
//
// Only this package imports pgx: hosts that keep the desk in memory do not
// compile it.
//
// # Set-up
//
//	pool, err := pgxpool.New(ctx, "postgres://...")
//	err = pgcare.Migrate(ctx, pool, "socialcare") // at every start-up; idempotent, serialized
//	err = pgqueue.Migrate(ctx, pool, "socialcare") // the queue's tables, same schema
//	qstore, err := pgqueue.New(pool, &pgqueue.Config{Schema: "socialcare"})
//	store, err := pgcare.New(ctx, pool, &pgcare.Config{
//		Schema:   "socialcare",
//		Policies: deskConfig.Policies, // see Config.Policies
//		Queue:    qstore,              // intake and resolution in one transaction
//	})
//	deskConfig.Store = store
//	deskConfig.Instance = "desk-" + hostname // names this process among the desks
//
// Every desk process does the same against the same schema; together they
// act as one desk (see "Several desks" below).
//
// The caller owns the pool and closes it after the last use of the Store.
// New checks the configuration (errors wrap ErrInvalid) and that the schema
// is at LatestVersion.
//
// # Schema
//
// Config.Schema names the PostgreSQL schema of the tables (default
// "public"); pgqueue's tables may live in the same schema. Migrations are
// embedded, versioned SQL files (migrations/NNN_name.up.sql and .down.sql)
// applied by Migrate and MigrateTo, each in its own transaction under an
// advisory lock; <schema>.care_migration records the applied versions.
// Version 1 creates:
//
//   - care_conversation (key, version, open, resolved_at, policy_calendar,
//     value, updated_at): one row per conversation. value is the
//     care.Conversation as JSON, stored as json rather than jsonb so that
//     the text is kept as written (jsonb refuses a NUL character); version
//     is the conversation's Version; resolved_at is its ResolvedAt while it
//     is not open, NULL otherwise. Indexes: care_conversation_open_idx on
//     (key) WHERE open, for OpenConversations; care_conversation_resolved_idx
//     on (resolved_at) WHERE resolved_at IS NOT NULL, for Purge.
//   - care_seen (key, expires_at): the dedup keys, with
//     care_seen_expires_idx on (expires_at) for Purge.
//   - care_acknowledgement (key, cycle, acknowledged_at): the last cycle of
//     each conversation acknowledged automatically.
//   - care_follow_up (id, kind, key, agent, due_at, text, intent, note,
//     notified): the follow-ups, with care_follow_up_due_idx on (due_at, id)
//     for FollowUps and care_follow_up_key_idx on (key) for Purge.
//
// Version 2 adds what several desks need: care_conversation.txid (xid8, the
// transaction that last wrote the row, indexed) for the feed of saves, and
// care_lease (name, holder, expires_at) for Lead.
//
// Version 3 adds the function care_fail(code, message), which raises an
// error: the statements of a save sent as one pipeline call it to roll the
// whole save back (see below).
//
// Version 4 adds care_follow_up_boomerang_idx on (agent, due_at, id) for
// the Boomerangs (kind 1), so that an agent's Next reads that agent's due
// Boomerangs alone (Store.Boomerangs, care.BoomerangLister).
//
// A conversation round-trips exactly: every field, times to the nanosecond
// (compare them with Equal: they come back in a fixed zone of the same
// offset). The exception is the Policy's Calendar: an *sla.Calendar is
// compiled and cannot be stored, so the store records that the policy had
// one and gives back the Calendar of the policy of that name in
// Config.Policies; a conversation whose Calendar the store could not give
// back is refused with ErrInvalid before anything is written. Strings must
// be valid UTF-8 (encoding/json replaces invalid bytes). The times the
// database compares (dedup expiries, resolutions, follow-up due times) are
// kept at PostgreSQL's microsecond precision, truncated; follow-ups come
// back with their At in UTC.
//
// # Saves and transactions
//
// SaveConversation is atomic. The version check is the statement's own
// WHERE clause: version 0 inserts with ON CONFLICT DO NOTHING, a later
// version updates WHERE key = $1 AND version = $2, and no row written means
// care.ErrConflict. A concurrent save of the same version waits for the
// row, re-checks it and writes nothing. The dedup keys are then inserted,
// in key order, only where absent or expired; if any is marked and
// unexpired the whole save rolls back with care.ErrDuplicate. A save
// without dedup keys is one statement; with them, two statements sent in
// one round trip (a pgx.Batch), which PostgreSQL runs as one implicit
// transaction. A statement that writes no row is no error, so that the
// transaction rolls back, each of these fails when it wrote fewer rows
// than it should have: it calls care_fail, whose SQLSTATE (CR001 for the
// version, CR002 for a key) the store maps back to care.ErrConflict or
// care.ErrDuplicate.
//
// SaveConversationTx does the same inside the caller's pgx.Tx, under a
// savepoint, so that the desk can commit its intake — the dedup key, the
// conversation and the queue item (pgqueue.Store.UpsertTx) — in one
// transaction: all of it or none. A refused save leaves the caller's
// transaction usable. The conversation's row and its keys stay locked until
// the transaction ends.
//
// With Config.Queue, the store is a care.QueueCommitter: the desk's intake
// (dedup key, conversation, queue item) and its resolution (conversation,
// the item's completion) are each one transaction. The intake is one round
// trip: its statements and pgqueue.Store.QueueUpsert's go in one batch, as
// one implicit transaction. The resolution is two: the transaction's
// BEGIN, the conversation's write and pgqueue.Store.QueueComplete's go in
// one batch, then the COMMIT, or a ROLLBACK when the version check or the
// lease failed (a lost lease is no database error, so only the client can
// tell).
//
// MarkAcknowledged, Mark and TakeFollowUp are single statements whose row
// count says whether this call was the one, so that exactly one desk
// acknowledges a cycle, emits an SLA alert or acts on a follow-up.
//
// # Several desks
//
// Desk processes that share the schema elect, with Lead (one INSERT … ON
// CONFLICT DO UPDATE … WHERE the holder renews or the lease expired), the
// one that runs the timed work; the others serve agents and take webhooks.
// The runner learns what the others changed from Changes: each row carries
// the transaction that last wrote it, and Changes reads, in transaction
// order, the rows written below the snapshot's xmin (the oldest transaction
// still running in the cluster), reading the horizon in the same
// statement. A save is never passed over because a later one committed
// first; a long-running transaction delays the feed until it ends. The
// store is care.Durable, so a desk records each send before it goes out
// and one killed mid-send leaves a trace (see care.Sending).
//
// # Retention
//
// The tables grow until Purge deletes what care.PurgeParams allows; the
// desk calls it on its retention schedule (care.RetentionConfig). Purge
// runs two statements: one deletes up to Limit conversations resolved (and
// not reopened) before ResolvedBefore, oldest first, with their
// acknowledgement marks and follow-ups, in one statement; the other up to
// Limit dedup keys expired before Now. Both walk their partial or plain
// index from the oldest entry, LIMIT n FOR UPDATE SKIP LOCKED, so their
// cost is in proportion to what they delete, and desks that purge at once
// never wait for each other or delete a row twice. Acknowledgement marks of
// conversations that were never saved are not purged.
//
// # Errors
//
// pgx errors are mapped at the boundary: no row becomes
// care.ErrUnknownConversation (Conversation) or care.ErrConflict
// (SaveConversation); a refused key care.ErrDuplicate; connection failures
// (a restart, a network fault, a serialization failure) wrap
// ErrUnavailable, which callers test with errors.Is or Retryable; a
// configuration or a value the store cannot keep wraps ErrInvalid.
// Messages start with "pgcare:".
package pgcare
