DROP TABLE IF EXISTS {{schema}}.care_lease;
DROP INDEX IF EXISTS {{schema}}.care_conversation_txid_idx;
ALTER TABLE {{schema}}.care_conversation DROP COLUMN IF EXISTS txid;
