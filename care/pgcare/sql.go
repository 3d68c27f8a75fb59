package pgcare

import (
	"strings"

	"github.com/jackc/pgx/v5"
)

// The SQLSTATEs that care_fail raises (migration 3) for a save sent as a
// pipeline.
const (
	codeConflict  = "CR001" // the version check wrote no row: care.ErrConflict
	codeDuplicate = "CR002" // a dedup key is marked and unexpired: care.ErrDuplicate
)

// statements are the store's SQL with its schema filled in.
type statements struct {
	conversation       string
	insertOrFail       string
	updateOrFail       string
	markSeenOrFail     string
	seen               string
	openConversations  string
	markAcknowledged   string
	putFollowUp        string
	takeFollowUp       string
	followUps          string
	boomerangs         string
	purgeConversations string
	purgeSeen          string
	mark               string
	cursor             string
	changes            string
	lead               string
	oneTransaction     string
}

func newStatements(schema string) statements {
	q := pgx.Identifier{schema}.Sanitize()
	f := func(sql string) string { return strings.ReplaceAll(sql, "{{schema}}", q) }
	return statements{
		conversation: f(`SELECT version, policy_calendar, value FROM {{schema}}.care_conversation WHERE key = $1`),

		// The three writes of a save, sent together (Store.sendSave), where
		// a statement that writes nothing is no error: each fails
		// (care_fail) when it wrote fewer rows than it should have, so that
		// the transaction rolls back whole. codeConflict and codeDuplicate
		// are their SQLSTATEs. Version 0: the row must not exist (ON
		// CONFLICT DO NOTHING waits for a concurrent insert of the key and
		// then writes nothing). Otherwise the version check is the update's
		// WHERE clause: a concurrent save of the same version commits
		// first, and this one, re-checking the row it waited for, updates
		// nothing. A key is (re)marked only if absent or expired before $3.
		insertOrFail: f(`WITH w AS (
				INSERT INTO {{schema}}.care_conversation (key, version, open, resolved_at, policy_calendar, value)
				VALUES ($1, 1, $2, $3, $4, $5)
				ON CONFLICT (key) DO NOTHING
				RETURNING 1
			)
			SELECT CASE WHEN EXISTS (SELECT FROM w) THEN true
				ELSE {{schema}}.care_fail('` + codeConflict + `', 'pgcare: version conflict') END`),

		updateOrFail: f(`WITH w AS (
				UPDATE {{schema}}.care_conversation
				SET version = version + 1, open = $3, resolved_at = $4, policy_calendar = $5, value = $6, updated_at = now(),
					txid = pg_current_xact_id()
				WHERE key = $1 AND version = $2
				RETURNING 1
			)
			SELECT CASE WHEN EXISTS (SELECT FROM w) THEN true
				ELSE {{schema}}.care_fail('` + codeConflict + `', 'pgcare: version conflict') END`),

		markSeenOrFail: f(`WITH w AS (
				INSERT INTO {{schema}}.care_seen AS s (key, expires_at)
				SELECT * FROM unnest($1::text[], $2::timestamptz[])
				ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
				WHERE s.expires_at < $3
				RETURNING 1
			), n AS (SELECT count(*) AS written FROM w)
			SELECT CASE WHEN n.written = cardinality($1::text[]) THEN true
				ELSE {{schema}}.care_fail('` + codeDuplicate + `',
					(cardinality($1::text[]) - n.written) || ' of its ' || cardinality($1::text[]) || ' dedup keys already marked') END
			FROM n`),

		seen: f(`SELECT EXISTS (SELECT 1 FROM {{schema}}.care_seen WHERE key = $1 AND expires_at >= $2)`),

		openConversations: f(`SELECT key, version, policy_calendar, value FROM {{schema}}.care_conversation
			WHERE open ORDER BY key`),

		markAcknowledged: f(`INSERT INTO {{schema}}.care_acknowledgement AS a (key, cycle, acknowledged_at)
			VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET cycle = excluded.cycle, acknowledged_at = excluded.acknowledged_at
			WHERE a.cycle < excluded.cycle`),

		putFollowUp: f(`INSERT INTO {{schema}}.care_follow_up (id, kind, key, agent, due_at, text, intent, note, notified)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, key = excluded.key, agent = excluded.agent,
				due_at = excluded.due_at, text = excluded.text, intent = excluded.intent, note = excluded.note,
				notified = excluded.notified`),

		takeFollowUp: f(`DELETE FROM {{schema}}.care_follow_up WHERE id = $1`),

		followUps: f(`SELECT id, kind, key, agent, due_at, text, intent, note, notified FROM {{schema}}.care_follow_up
			WHERE due_at <= $1 ORDER BY due_at, id`),

		boomerangs: f(`SELECT id, kind, key, agent, due_at, text, intent, note, notified FROM {{schema}}.care_follow_up
			WHERE kind = 1 AND agent = $1 AND due_at <= $2 ORDER BY due_at, id`),

		// The oldest resolutions first, through the partial index on
		// resolved_at; FOR UPDATE re-checks a row that a concurrent save
		// changed (a reopened conversation no longer matches) and SKIP
		// LOCKED passes over rows being saved or purged by another desk.
		purgeConversations: f(`WITH doomed AS (
				SELECT key FROM {{schema}}.care_conversation
				WHERE resolved_at < $1
				ORDER BY resolved_at
				LIMIT $2::bigint
				FOR UPDATE SKIP LOCKED
			), deleted AS (
				DELETE FROM {{schema}}.care_conversation c USING doomed d WHERE c.key = d.key
				RETURNING c.key
			), acks AS (
				DELETE FROM {{schema}}.care_acknowledgement WHERE key IN (SELECT key FROM deleted)
			), followups AS (
				DELETE FROM {{schema}}.care_follow_up WHERE key IN (SELECT key FROM deleted)
			)
			SELECT count(*) FROM deleted`),

		// One key, marked only if absent or expired at $3.
		mark: f(`INSERT INTO {{schema}}.care_seen AS s (key, expires_at) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
			WHERE s.expires_at < $3`),

		// Every transaction below the snapshot's xmin has ended, so the rows
		// they wrote are all visible now and no later one will write below it.
		cursor: `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`,

		// Rows written from $1 (inclusive) to the snapshot's xmin (exclusive),
		// in transaction order, through care_conversation_txid_idx.
		// The horizon comes first, so that a call that finds no row still
		// returns the xmin of the snapshot it read.
		changes: f(`WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
			SELECT h.xmin::text, c.key, c.version, c.open, c.txid::text
			FROM h LEFT JOIN LATERAL (
				SELECT key, version, open, txid FROM {{schema}}.care_conversation
				WHERE txid >= $1::text::xid8 AND txid < h.xmin
				ORDER BY txid LIMIT $2
			) c ON true
			ORDER BY c.txid`),

		oneTransaction: f(`SELECT key, version, open FROM {{schema}}.care_conversation
			WHERE txid = $1::text::xid8`),

		// Taken when free, expired at $4, or renewed by its holder.
		lead: f(`INSERT INTO {{schema}}.care_lease AS l (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE l.holder = excluded.holder OR l.expires_at <= $4`),

		purgeSeen: f(`WITH doomed AS (
				SELECT key FROM {{schema}}.care_seen
				WHERE expires_at < $1
				ORDER BY expires_at
				LIMIT $2::bigint
				FOR UPDATE SKIP LOCKED
			)
			DELETE FROM {{schema}}.care_seen s USING doomed d WHERE s.key = d.key`),
	}
}
