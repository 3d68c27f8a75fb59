DROP TABLE IF EXISTS {{schema}}.queue_item;
DROP TABLE IF EXISTS {{schema}}.queue_agent;
