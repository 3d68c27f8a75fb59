-- pgcare schema, version 4: one agent's due Boomerangs alone.

-- Boomerangs reads an agent's due Boomerangs (kind 1) in (due_at, id)
-- order, without reading the other agents' follow-ups.
CREATE INDEX care_follow_up_boomerang_idx ON {{schema}}.care_follow_up (agent, due_at, id) WHERE kind = 1;
