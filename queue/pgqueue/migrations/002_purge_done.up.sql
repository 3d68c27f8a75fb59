-- pgqueue schema, version 2. {{schema}} is replaced by the quoted schema name.

-- PurgeDone deletes the Done items changed before a cutoff, oldest first,
-- through this index: it reads the index from its start and stops after
-- its limit, however many items are Done. Building it holds a lock that
-- blocks writes to queue_item; a host with a large table may create it
-- beforehand with CREATE INDEX CONCURRENTLY under this name, which this
-- migration then keeps.
CREATE INDEX IF NOT EXISTS queue_item_done_idx ON {{schema}}.queue_item (updated_at)
    WHERE state = 4;
