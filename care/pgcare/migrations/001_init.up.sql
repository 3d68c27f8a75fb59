-- pgcare schema, version 1. {{schema}} is replaced by the quoted schema name.

-- One row per conversation. value is the care.Conversation as JSON (type
-- json, not jsonb: json keeps the text as written, so a message with a NUL
-- character round-trips), without its Version (the version column) and
-- without its Policy's compiled calendar (policy_calendar says it had one;
-- it is restored from Config.Policies by the policy's name).
CREATE TABLE {{schema}}.care_conversation (
    key             text        PRIMARY KEY,
    version         bigint      NOT NULL CHECK (version > 0),
    -- The conversation has an open cycle (Conversation.Open).
    open            boolean     NOT NULL,
    -- Conversation.ResolvedAt while the conversation is not open; NULL
    -- otherwise. Retention counts from it.
    resolved_at     timestamptz,
    policy_calendar boolean     NOT NULL DEFAULT false,
    value           json        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- OpenConversations reads the open conversations in key order.
CREATE INDEX care_conversation_open_idx ON {{schema}}.care_conversation (key)
    WHERE open;

-- Purge deletes the oldest resolutions first.
CREATE INDEX care_conversation_resolved_idx ON {{schema}}.care_conversation (resolved_at)
    WHERE resolved_at IS NOT NULL;

-- The dedup keys of the messages taken, until they expire.
CREATE TABLE {{schema}}.care_seen (
    key        text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- Purge deletes the expired keys, oldest first.
CREATE INDEX care_seen_expires_idx ON {{schema}}.care_seen (expires_at);

-- The last cycle of each conversation that was acknowledged automatically.
CREATE TABLE {{schema}}.care_acknowledgement (
    key             text        PRIMARY KEY,
    cycle           integer     NOT NULL,
    acknowledged_at timestamptz NOT NULL
);

-- Boomerangs and scheduled proactive messages (care.FollowUp).
CREATE TABLE {{schema}}.care_follow_up (
    id       text        PRIMARY KEY,
    -- care.FollowUpKind: 1 Boomerang, 2 Proactive.
    kind     smallint    NOT NULL,
    key      text        NOT NULL,
    agent    text        NOT NULL DEFAULT '',
    due_at   timestamptz NOT NULL,
    text     text        NOT NULL DEFAULT '',
    intent   text        NOT NULL DEFAULT '',
    note     text        NOT NULL DEFAULT '',
    notified boolean     NOT NULL DEFAULT false
);

-- FollowUps reads the due follow-ups in (due_at, id) order.
CREATE INDEX care_follow_up_due_idx ON {{schema}}.care_follow_up (due_at, id);

-- Purge deletes a purged conversation's follow-ups.
CREATE INDEX care_follow_up_key_idx ON {{schema}}.care_follow_up (key);
