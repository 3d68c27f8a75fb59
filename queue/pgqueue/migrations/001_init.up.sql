-- pgqueue schema, version 1. {{schema}} is replaced by the quoted schema name.

CREATE TABLE {{schema}}.queue_agent (
    id       text        PRIMARY KEY,
    capacity integer     NOT NULL DEFAULT 0,
    online   boolean     NOT NULL DEFAULT false,
    since    timestamptz
);

CREATE TABLE {{schema}}.queue_item (
    key              text             PRIMARY KEY,
    channel          text             NOT NULL DEFAULT '',
    team             text             NOT NULL DEFAULT '',
    language         text             NOT NULL DEFAULT '',
    skills           text[],
    score            double precision NOT NULL DEFAULT 0,
    deadline         timestamptz,
    rank             double precision NOT NULL,
    unanswered       integer          NOT NULL DEFAULT 0,
    payload          bytea,
    enqueued_at      timestamptz      NOT NULL,
    updated_at       timestamptz      NOT NULL,
    version          bigint           NOT NULL DEFAULT 0,
    -- 1 waiting, 2 claimed, 3 snoozed, 4 done (queuedriver.State).
    state            smallint         NOT NULL CHECK (state BETWEEN 1 AND 4),
    holder           text             NOT NULL DEFAULT '',
    lease_id         text             NOT NULL DEFAULT '',
    lease_expires_at timestamptz,
    snoozed_until    timestamptz,
    last_agent       text             NOT NULL DEFAULT '',
    last_held_at     timestamptz,
    claims           integer          NOT NULL DEFAULT 0,
    -- When the item can next be claimed: at once when waiting, when the
    -- lease expires when claimed, when the snooze ends when snoozed, never
    -- when done.
    claimable_at     timestamptz      GENERATED ALWAYS AS (
        CASE state
            WHEN 1 THEN '-infinity'::timestamptz
            WHEN 2 THEN lease_expires_at
            WHEN 3 THEN snoozed_until
            ELSE 'infinity'::timestamptz
        END) STORED
);

-- The claim walks this index in order (rank DESC, enqueued_at, key) and
-- stops at the first rows that are claimable, match and are not locked.
-- Done items leave it.
CREATE INDEX queue_item_claim_idx ON {{schema}}.queue_item (rank DESC, enqueued_at, key)
    WHERE state <> 4;

-- Capacity checks and ReleaseAgent find an agent's leases here.
CREATE INDEX queue_item_holder_idx ON {{schema}}.queue_item (holder)
    WHERE state = 2;
