DROP INDEX IF EXISTS {{schema}}.queue_item_done_idx;
