DROP TABLE IF EXISTS {{schema}}.care_follow_up;
DROP TABLE IF EXISTS {{schema}}.care_acknowledgement;
DROP TABLE IF EXISTS {{schema}}.care_seen;
DROP TABLE IF EXISTS {{schema}}.care_conversation;
