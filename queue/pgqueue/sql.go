package pgqueue

// minutesSQL is queuedriver's minutes(t) in SQL: microseconds since the
// epoch as a float8, divided by 6e7 with the same IEEE operation as Go, so
// that stored ranks equal queuedriver.Rank bit for bit.
func minutesSQL(micros string) string {
	return "((" + micros + ")::float8 / 60000000::float8)"
}

func microsSQL(ts string) string {
	return "(extract(epoch FROM " + ts + ") * 1000000)::bigint"
}

// rankSQL is queuedriver.Rank in SQL over score, deadline and enq; the
// weights are parameters $9 (Score), $10 (Slack), $11 (Wait) and $12
// (Horizon, in microseconds).
func rankSQL(score, deadline, enq string) string {
	dl := "coalesce(" + microsSQL(deadline) + ", " + microsSQL(enq) + " + $12::bigint)"
	return "($9::float8 * " + score + " - $10::float8 * " + minutesSQL(dl) + " - $11::float8 * " + minutesSQL(microsSQL(enq)) + ")"
}

const sqlPutAgent = `
INSERT INTO {agents} (id, capacity, online, since) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET capacity = excluded.capacity, online = excluded.online, since = excluded.since`

// Parameters: $1 key, $2 channel, $3 team, $4 language, $5 skills, $6 score,
// $7 deadline, $8 payload, $9-$12 weights, $13 now, $14 notify?, $15 channel,
// $16 unanswered (set if positive, else counted).
var sqlUpsert = `
WITH up AS (
    INSERT INTO {items} AS i (key, channel, team, language, skills, score, deadline, rank,
        unanswered, payload, enqueued_at, updated_at, version, state, claims)
    VALUES ($1, $2, $3, $4, $5, $6::float8, $7::timestamptz, ` + rankSQL("$6::float8", "$7::timestamptz", "$13::timestamptz") + `,
        CASE WHEN $16::int > 0 THEN $16::int ELSE 1 END, $8, $13, $13, 1, 1, 0)
    ON CONFLICT (key) DO UPDATE SET
        channel = excluded.channel, team = excluded.team, language = excluded.language,
        skills = excluded.skills, score = excluded.score, deadline = excluded.deadline,
        payload = excluded.payload,
        enqueued_at = CASE WHEN i.state = 4 THEN excluded.enqueued_at ELSE i.enqueued_at END,
        rank = ` + rankSQL("excluded.score", "excluded.deadline", "CASE WHEN i.state = 4 THEN excluded.enqueued_at ELSE i.enqueued_at END") + `,
        unanswered = CASE WHEN $16::int > 0 THEN $16::int WHEN i.state = 4 THEN 1 ELSE i.unanswered + 1 END,
        state = CASE WHEN i.state IN (3, 4) THEN 1 ELSE i.state END,
        snoozed_until = CASE WHEN i.state = 3 THEN NULL ELSE i.snoozed_until END,
        version = i.version + 1,
        updated_at = excluded.updated_at
    RETURNING {icols}
), n AS (
    SELECT count(pg_notify($15, '')) FROM up WHERE $14::boolean AND up.state = 1
)
SELECT up.* FROM up, n`

// Parameters: $1 agent, $2 channels, $3 teams, $4 languages, $5 skills,
// $6 lease ids, $7 expires at, $8 affinity?, $9 affinity cutoff, $10 now,
// $11 capacity already checked by the caller?; {limit} how many to claim
// (see statements.withLimit).
const sqlClaim = `
WITH ag AS (
    SELECT capacity FROM {agents} WHERE id = $1
), picked AS (
    SELECT i.key, i.rank, i.enqueued_at FROM {items} i
    WHERE i.state <> 4 AND i.claimable_at <= $10::timestamptz
      AND ($11::boolean OR (SELECT capacity FROM ag) = 0)
      AND (cardinality($2::text[]) = 0 OR i.channel = ANY($2::text[]))
      AND (cardinality($3::text[]) = 0 OR i.team = ANY($3::text[]))
      AND (cardinality($4::text[]) = 0 OR i.language = '' OR i.language = ANY($4::text[]))
      AND (i.skills IS NULL OR i.skills <@ $5::text[])
      AND NOT ($8::boolean AND i.last_agent <> '' AND i.last_agent <> $1
               AND i.last_held_at > $9::timestamptz
               AND EXISTS (SELECT 1 FROM {agents} o WHERE o.id = i.last_agent AND o.online))
    ORDER BY i.rank DESC, i.enqueued_at, i.key
    LIMIT {limit}
    FOR UPDATE OF i SKIP LOCKED
), numbered AS (
    SELECT key, row_number() OVER (ORDER BY rank DESC, enqueued_at, key) AS n FROM picked
), claimed AS (
    UPDATE {items} i SET
        last_agent   = CASE WHEN i.state = 2 THEN i.holder ELSE i.last_agent END,
        last_held_at = CASE WHEN i.state = 2 THEN i.lease_expires_at ELSE i.last_held_at END,
        state = 2, holder = $1,
        lease_id = (SELECT ($6::text[])[numbered.n] FROM numbered WHERE numbered.key = i.key),
        lease_expires_at = $7::timestamptz, snoozed_until = NULL,
        claims = i.claims + 1, updated_at = $10::timestamptz
    -- = ANY (ARRAY(...)) keeps the generic plan on the primary key.
    WHERE i.key = ANY (ARRAY(SELECT key FROM picked))
    RETURNING {icols}
)
SELECT (SELECT capacity FROM ag), c.* FROM claimed c
UNION ALL
SELECT (SELECT capacity FROM ag), ` + noItem + ` WHERE NOT EXISTS (SELECT 1 FROM claimed)`

// noItem stands for "no item" in the column order of itemCols: a NULL key
// and values that scan into itemRow.
const noItem = `NULL::text, '', '', '', NULL::text[], 0::float8, NULL::timestamptz, 0::float8, 0, NULL::bytea,
    NULL::timestamptz, NULL::timestamptz, 0::bigint, 0::smallint, '', '', NULL::timestamptz, NULL::timestamptz,
    '', NULL::timestamptz, 0`

// leaseWhere is true only under the current, unexpired lease $2 of item $1
// at $3.
const leaseWhere = `key = $1 AND state = 2 AND lease_id = $2 AND lease_expires_at > $3::timestamptz`

const sqlExtend = `
UPDATE {items} SET lease_expires_at = $4::timestamptz
WHERE ` + leaseWhere + `
RETURNING {cols}`

const sqlComplete = `
UPDATE {items} SET state = 4, unanswered = 0, last_agent = holder, last_held_at = $3::timestamptz,
    holder = '', lease_id = '', lease_expires_at = NULL, updated_at = $3::timestamptz
WHERE ` + leaseWhere + `
RETURNING {cols}`

const sqlCompleteBatch = `
UPDATE {items} i SET state = 4, unanswered = 0, last_agent = i.holder, last_held_at = r.now,
    holder = '', lease_id = '', lease_expires_at = NULL, updated_at = r.now
FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS r(key, lease_id, now)
WHERE i.key = r.key AND i.state = 2 AND i.lease_id = r.lease_id AND i.lease_expires_at > r.now
RETURNING {icols}`

// Parameters: $1 key, $2 lease, $3 now, $4 until, $5 team, $6 notify?,
// $7 channel.
const sqlRelease = `
WITH up AS (
    UPDATE {items} SET
        state = CASE WHEN $4::timestamptz > $3::timestamptz THEN 3 ELSE 1 END,
        snoozed_until = CASE WHEN $4::timestamptz > $3::timestamptz THEN $4::timestamptz END,
        team = CASE WHEN $5::text <> '' THEN $5::text ELSE team END,
        last_agent = CASE WHEN $5::text <> '' THEN '' ELSE holder END,
        last_held_at = $3::timestamptz, holder = '', lease_id = '', lease_expires_at = NULL,
        updated_at = $3::timestamptz
    WHERE ` + leaseWhere + `
    RETURNING {cols}
), n AS (
    SELECT count(pg_notify($7, '')) FROM up WHERE $6::boolean AND up.state = 1
)
SELECT up.* FROM up, n`

// Parameters: $1 key, $2 from lease, $3 to agent, $4 new lease, $5 expires
// at, $6 now.
const sqlReassign = `
WITH ag AS (
    SELECT 1 FROM {agents} WHERE id = $3
), up AS (
    UPDATE {items} i SET
        last_agent   = CASE WHEN i.state = 2 THEN i.holder ELSE i.last_agent END,
        last_held_at = CASE WHEN i.state = 2 THEN $6::timestamptz ELSE i.last_held_at END,
        state = 2, holder = $3, lease_id = $4, lease_expires_at = $5::timestamptz,
        snoozed_until = NULL, claims = i.claims + 1, updated_at = $6::timestamptz
    WHERE i.key = $1 AND EXISTS (SELECT 1 FROM ag)
      AND ($2::text = '' OR (i.state = 2 AND i.lease_id = $2::text AND i.lease_expires_at > $6::timestamptz))
    RETURNING {icols}
)
SELECT true, up.* FROM up
UNION ALL
SELECT EXISTS (SELECT 1 FROM ag), ` + noItem + ` WHERE NOT EXISTS (SELECT 1 FROM up)`

// Parameters: $1 agent, $2 now, $3 notify?, $4 channel.
const sqlReleaseAgent = `
WITH up AS (
    UPDATE {items} SET state = 1, last_agent = holder, last_held_at = $2::timestamptz,
        holder = '', lease_id = '', lease_expires_at = NULL, updated_at = $2::timestamptz
    WHERE state = 2 AND holder = $1
    RETURNING key
), n AS (
    SELECT count(pg_notify($4, '')) FROM (SELECT 1 FROM up LIMIT 1) x WHERE $3::boolean
)
SELECT up.key FROM up, n`

// filterWhere matches queuedriver.Filter.Match; parameters $1-$4.
const filterWhere = `
      AND (cardinality($1::text[]) = 0 OR i.channel = ANY($1::text[]))
      AND (cardinality($2::text[]) = 0 OR i.team = ANY($2::text[]))
      AND (cardinality($3::text[]) = 0 OR i.language = '' OR i.language = ANY($3::text[]))
      AND (i.skills IS NULL OR i.skills <@ $4::text[])`

const sqlCount = `
SELECT count(*) FROM {items} i
WHERE i.state <> 4 AND i.claimable_at <= $5::timestamptz` + filterWhere

const sqlStats = `
WITH w AS (
    SELECT channel, team, enqueued_at FROM {items} WHERE state <> 4 AND claimable_at <= $1::timestamptz
)
SELECT 'channel', channel, count(*)::int, NULL::timestamptz FROM w GROUP BY channel
UNION ALL SELECT 'team', team, count(*)::int, NULL FROM w GROUP BY team
UNION ALL SELECT 'oldest', '', 0, min(enqueued_at) FROM w HAVING count(*) > 0
UNION ALL SELECT 'agent', holder, count(*)::int, NULL FROM {items}
    WHERE state = 2 AND lease_expires_at > $1::timestamptz GROUP BY holder`

// sqlClaimGroup serves several single-item claims that share one filter in
// one statement, as if they had run one after another in the order given
// (see Store.groupClaim). Parameters: $1-$4 the filter, then one array
// element per claim: $5 agent, $6 lease id, $7 expires at, $8 affinity?,
// $9 affinity cutoff, $10 now; {limit} how many rows to pick (the number
// of claims; see statements.withLimit).
//
// cand picks, in the claim index's order, the best {limit} unlocked rows that
// match the filter and that at least one of the claims may take (claimable
// at its now, not reserved for another agent), and locks them. assign then
// gives each claim the best candidate it may take that no earlier claim
// took, exactly as a sequence of sqlClaim statements would have done on
// the same rows. When every claim that may take anything may take every
// candidate (the usual case: no affinity reservation or lease expiring
// between the claims' times stands in the way), that pairs the k-th such
// claim with the k-th candidate, and assign does so in one join; otherwise
// walk goes through the claims one at a time. Each result row is one claim: its
// number, the agent's capacity (NULL for an unknown agent; claims for an
// agent with a capacity take nothing and are redone by the caller), how
// many candidates were found, and the leased item (a NULL key when it got
// none).
const sqlClaimGroup = `
WITH RECURSIVE req AS MATERIALIZED (
    -- A subquery per claim (not a join) keeps the agent lookups on the
    -- primary key in the generic plan.
    SELECT r.n, r.agent, r.lease, r.expires, r.aff, r.cutoff, r.now,
        (SELECT a.capacity FROM {agents} a WHERE a.id = r.agent) AS capacity
    FROM unnest($5::text[], $6::text[], $7::timestamptz[], $8::boolean[], $9::timestamptz[], $10::timestamptz[])
        WITH ORDINALITY AS r(agent, lease, expires, aff, cutoff, now, n)
), cand AS MATERIALIZED (
    SELECT i.key, i.rank, i.enqueued_at, i.claimable_at, i.last_agent, i.last_held_at,
        (i.last_agent <> '' AND EXISTS (SELECT 1 FROM {agents} o WHERE o.id = i.last_agent AND o.online)) AS reserved
    FROM {items} i
    -- Uncorrelated, so evaluated once: without a claim that may take
    -- anything (every agent unknown or limited), the scan does not start.
    WHERE EXISTS (SELECT 1 FROM req WHERE capacity = 0)
      AND i.state <> 4 AND i.claimable_at <= (SELECT max(now) FROM req WHERE capacity = 0)` + filterWhere + `
      AND EXISTS (SELECT 1 FROM req r WHERE r.capacity = 0 AND i.claimable_at <= r.now
          AND NOT (r.aff AND i.last_agent <> '' AND i.last_agent <> r.agent AND i.last_held_at > r.cutoff
                   AND EXISTS (SELECT 1 FROM {agents} o WHERE o.id = i.last_agent AND o.online)))
    ORDER BY i.rank DESC, i.enqueued_at, i.key
    LIMIT {limit}
    FOR UPDATE OF i SKIP LOCKED
), simple AS MATERIALIZED (
    -- Whether every claim that may take anything may take every candidate.
    -- Each candidate is claimable by the earliest claim, and no claim with
    -- affinity finds one reserved for another agent (a NULL comparison
    -- counts as reserved, as in walk).
    SELECT coalesce((SELECT max(claimable_at) FROM cand) <= (SELECT min(now) FROM req WHERE capacity = 0), true)
        AND NOT EXISTS (
            SELECT 1 FROM cand c JOIN req r ON r.capacity = 0 AND r.aff
            WHERE c.reserved AND c.last_agent <> r.agent AND (c.last_held_at > r.cutoff) IS NOT FALSE
        ) AS ok
), walk (n, key, taken) AS (
    SELECT 0::bigint, NULL::text, ARRAY[]::text[]
    UNION ALL
    SELECT r.n, c.key, CASE WHEN c.key IS NULL THEN w.taken ELSE w.taken || c.key END
    FROM walk w
    JOIN req r ON r.n = w.n + 1
    LEFT JOIN LATERAL (
        SELECT c.key FROM cand c
        WHERE r.capacity = 0 AND c.key <> ALL (w.taken) AND c.claimable_at <= r.now
          AND NOT (r.aff AND c.reserved AND c.last_agent <> r.agent AND c.last_held_at > r.cutoff)
        ORDER BY c.rank DESC, c.enqueued_at, c.key
        LIMIT 1
    ) c ON true
), assign AS MATERIALIZED (
    -- In the usual case, the k-th claim that may take anything takes the
    -- k-th candidate; otherwise walk (never started then) decides.
    SELECT q.n, c.key
    FROM (SELECT r.n, row_number() OVER (ORDER BY r.n) AS k FROM req r WHERE r.capacity = 0) q
    JOIN (SELECT c.key, row_number() OVER (ORDER BY c.rank DESC, c.enqueued_at, c.key) AS k FROM cand c) c ON c.k = q.k
    WHERE (SELECT ok FROM simple)
    UNION ALL
    SELECT w.n, w.key FROM walk w WHERE NOT (SELECT ok FROM simple) AND w.key IS NOT NULL
), claimed AS (
    UPDATE {items} i SET
        last_agent   = CASE WHEN i.state = 2 THEN i.holder ELSE i.last_agent END,
        last_held_at = CASE WHEN i.state = 2 THEN i.lease_expires_at ELSE i.last_held_at END,
        state = 2,
        (holder, lease_id, lease_expires_at, updated_at) =
            (SELECT r.agent, r.lease, r.expires, r.now FROM assign a JOIN req r ON r.n = a.n WHERE a.key = i.key),
        snoozed_until = NULL, claims = i.claims + 1
    -- = ANY (ARRAY(...)) keeps the generic plan on the primary key.
    WHERE i.key = ANY (ARRAY(SELECT key FROM assign))
    RETURNING (SELECT a.n FROM assign a WHERE a.key = i.key) AS n, {icols}
)
SELECT r.n, r.capacity, (SELECT count(*) FROM cand)::int, c.* FROM claimed c JOIN req r ON r.n = c.n
UNION ALL
SELECT r.n, r.capacity, (SELECT count(*) FROM cand)::int, 0::bigint, ` + noItem + ` FROM req r
WHERE NOT EXISTS (SELECT 1 FROM claimed c WHERE c.n = r.n)`
