-- pgcare schema, version 2: what several desks sharing the store need.

-- The transaction that last wrote each conversation, for the feed of saves
-- (Store.Changes): a reader takes the rows written by transactions below
-- the oldest one still running, so a save is never passed over because a
-- later one committed first.
ALTER TABLE {{schema}}.care_conversation
    ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE INDEX care_conversation_txid_idx ON {{schema}}.care_conversation (txid);

-- Named leases (Store.Lead): the desk that runs the timed work holds one.
CREATE TABLE {{schema}}.care_lease (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
