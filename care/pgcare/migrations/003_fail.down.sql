DROP FUNCTION IF EXISTS {{schema}}.care_fail(text, text);
