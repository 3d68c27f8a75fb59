DROP INDEX IF EXISTS {{schema}}.care_follow_up_boomerang_idx;
