-- pgcare schema, version 3: one round trip per save with its queue item.

-- care_fail raises an error with SQLSTATE code and message. The store
-- sends a save's statements together as one implicit transaction (a
-- pipeline), in which a statement that writes nothing is no error: the
-- statements that check a save (the version, the dedup keys) call it when
-- they wrote fewer rows than they should have, so that the whole
-- transaction rolls back. VOLATILE: never evaluated ahead of time.
CREATE FUNCTION {{schema}}.care_fail(code text, message text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END
$$;
