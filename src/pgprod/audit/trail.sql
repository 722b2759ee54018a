-- pgprod's audit trail on prod (pgprod.audit.provision formats and runs this, as the
-- admin, in one transaction; every statement is idempotent).
-- Placeholders: {auditor} the NOLOGIN role owning it all, {editor} and {owner} the
-- login roles' names, {digest} the SHA-256 of an event's text, which its hash covers,
-- {genesis} the hash
-- before the first event (pgprod.audit). pgprod runs it only when its text changed (the
-- schema's comment names its digest): some statements lock the trail's tables.

CREATE SCHEMA IF NOT EXISTS pgprod_audit AUTHORIZATION {auditor};
REVOKE ALL ON SCHEMA pgprod_audit FROM PUBLIC;
GRANT USAGE ON SCHEMA pgprod_audit TO PUBLIC;  -- for the trigger functions, below

-- An event is recorded into `pending`, unchained, by the session whose action it is
-- (no lock, no index: a write pays as little as it can); `seal`, run by the admin
-- alone (the watchdog every second, `pgprod audit` before it reads), moves pending
-- events into `events` in the order of their ids, chained: each one's seq follows the
-- previous one's and its hash covers the previous one's hash. Events are chained in
-- lane {chain} (`verify` checks each lane there is: a trail could have more). `id`
-- (from a sequence: rolled-back writes leave gaps) orders events by when they were
-- recorded.
CREATE SEQUENCE IF NOT EXISTS pgprod_audit.event_ids;
CREATE TABLE IF NOT EXISTS pgprod_audit.events (
    id bigint PRIMARY KEY,
    lane int NOT NULL,
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    kind text NOT NULL,           -- ddl, data, refused, action
    actor text NOT NULL,          -- the role that acted, or pgprod's actor
    login text,                   -- the session's login role
    application text,
    client text,
    publish text,                 -- the publish whose session it was
    command text,                 -- command tag, INSERT/UPDATE/DELETE/TRUNCATE, SQLSTATE, command
    object text,                  -- objects changed, the table written or emptied
    statement text,
    detail jsonb,
    hash text NOT NULL,           -- sha256 of the lane's previous hash and this event
    UNIQUE (lane, seq)
);
CREATE INDEX IF NOT EXISTS events_at ON pgprod_audit.events USING brin (at);  -- in time order, nearly
ALTER TABLE pgprod_audit.events OWNER TO {auditor};
ALTER SEQUENCE pgprod_audit.event_ids OWNER TO {auditor};

-- One row per lane: where pruning cut it (the seq and hash before its oldest event
-- kept); `seal` and `prune` lock it, so one of them at a time writes the chain.
CREATE TABLE IF NOT EXISTS pgprod_audit.lanes (
    lane int PRIMARY KEY,
    pruned_seq bigint NOT NULL DEFAULT 0,
    pruned_hash text NOT NULL
);
INSERT INTO pgprod_audit.lanes (lane, pruned_hash) VALUES ({chain}, {genesis})
ON CONFLICT DO NOTHING;
ALTER TABLE pgprod_audit.lanes OWNER TO {auditor};

-- Events recorded and not chained yet (`seal`): the columns of `events` before `hash`,
-- but lane and seq. Without an index, a heap that `seal` empties.
CREATE TABLE IF NOT EXISTS pgprod_audit.pending (
    id bigint NOT NULL,
    at timestamptz NOT NULL,
    kind text NOT NULL,
    actor text NOT NULL,
    login text,
    application text,
    client text,
    publish text,
    command text,
    object text,
    statement text,
    detail jsonb
);
ALTER TABLE pgprod_audit.pending OWNER TO {auditor};

-- Tables whose every write is recorded ([audit] tables), not only the editor's.
CREATE TABLE IF NOT EXISTS pgprod_audit.tables (name text PRIMARY KEY);
ALTER TABLE pgprod_audit.tables OWNER TO {auditor};

-- How far the server log and the action log have been read into the trail.
CREATE TABLE IF NOT EXISTS pgprod_audit.cursors (
    source text PRIMARY KEY,
    position bigint NOT NULL,
    stamp text
);
ALTER TABLE pgprod_audit.cursors OWNER TO {auditor};

REVOKE ALL ON pgprod_audit.events, pgprod_audit.lanes, pgprod_audit.cursors,
              pgprod_audit.tables, pgprod_audit.pending, pgprod_audit.event_ids FROM PUBLIC;
GRANT SELECT ON pgprod_audit.tables TO PUBLIC;  -- read by on_ddl, as whoever runs DDL

-- The one writer of the trail. Not executable by the roles pgprod hands out: they
-- reach it only through the triggers below, which cannot be called directly.
CREATE OR REPLACE FUNCTION pgprod_audit.append(
    p_kind text, p_actor text, p_command text, p_object text, p_statement text,
    p_detail jsonb, p_at timestamptz DEFAULT NULL, p_login text DEFAULT NULL,
    p_application text DEFAULT NULL, p_client text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    new_id bigint;
BEGIN
    {append_event}
    RETURN new_id;
END
$fn$;
ALTER FUNCTION pgprod_audit.append(text, text, text, text, text, jsonb, timestamptz, text,
                                   text, text) OWNER TO {auditor};
REVOKE ALL ON FUNCTION pgprod_audit.append(text, text, text, text, text, jsonb,
                                           timestamptz, text, text, text) FROM PUBLIC;

-- Who acted: the role a session SET ROLE to, else its login (inside a SECURITY
-- DEFINER function current_user is the definer).
CREATE OR REPLACE FUNCTION pgprod_audit.who() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT CASE WHEN current_setting('role') = 'none' THEN session_user::text
                ELSE current_setting('role') END
$fn$;
ALTER FUNCTION pgprod_audit.who() OWNER TO {auditor};

-- Row writes: every write by the editor (refused once its Edit window has ended) and
-- every write to a table in pgprod_audit.tables (the trigger's WHEN says which). The
-- trigger's arguments are the table's primary key columns (`trigger_sql`), so a row's
-- key costs no catalog lookup. The statement trigger `pgprod_audit_truncate` calls it
-- too, before a TRUNCATE empties the table (`truncate_trigger_sql`): no rows then, but
-- PostgreSQL's estimate of how many there were and how large the table was (its leaf
-- partitions', for a partitioned one; no count: that would read the whole table).
CREATE OR REPLACE FUNCTION pgprod_audit.capture() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    until timestamptz;
    old_row jsonb;
    new_row jsonb;
    key jsonb;
    new_id bigint;
    p_kind text; p_actor text; p_command text; p_object text; p_statement text;
    p_detail jsonb; p_at timestamptz; p_login text; p_application text; p_client text;
BEGIN
    IF session_user = {editor} THEN
        SELECT rolvaliduntil INTO until FROM pg_roles WHERE rolname = {editor};
        IF until IS NULL OR until <= statement_timestamp() THEN
            RAISE EXCEPTION 'Edit is off on prod (the window ended at %)', until
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'open a window with `pgprod edit on`';
        END IF;
    ELSIF session_user = {owner}
          AND current_setting('application_name') LIKE 'pgprod publish %' THEN
        RETURN NULL;  -- a publish moving rows (a backfill): its statements are recorded
    END IF;
    IF TG_OP = 'TRUNCATE' THEN  -- no rows: an estimate (-1, none yet, in a leaf: null)
        SELECT jsonb_build_object(
                   'estimated_rows', CASE WHEN bool_and(c.reltuples >= 0) IS NOT FALSE
                                          THEN coalesce(sum(c.reltuples), 0)::bigint END,
                   'size_bytes', coalesce(sum(pg_total_relation_size(c.oid)), 0))
          INTO p_detail
          FROM pg_class c  -- the table, or its leaf partitions
         WHERE c.oid IN (SELECT TG_RELID UNION ALL
                         SELECT relid FROM pg_partition_tree(TG_RELID) WHERE isleaf)
           AND c.relkind <> 'p';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN new_row := to_jsonb(NEW); END IF;
    IF TG_NARGS > 0 THEN
        key := jsonb_build_object(TG_ARGV[0], coalesce(new_row, old_row) -> TG_ARGV[0]);
        FOR i IN 1 .. TG_NARGS - 1 LOOP
            key := key || jsonb_build_object(TG_ARGV[i], coalesce(new_row, old_row) -> TG_ARGV[i]);
        END LOOP;
    END IF;
    -- as `append` does (the same statements), without a second function call
    p_kind := 'data';
    p_actor := CASE WHEN current_setting('role') = 'none' THEN session_user::text
                    ELSE current_setting('role') END;
    p_command := TG_OP;
    p_object := format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
    p_statement := current_query();
    p_detail := coalesce(p_detail,  -- a TRUNCATE's, above
                         jsonb_build_object('key', key, 'old', old_row, 'new', new_row));
    {append_event}
    RETURN NULL;
END
$fn$;
ALTER FUNCTION pgprod_audit.capture() OWNER TO {auditor};
GRANT EXECUTE ON FUNCTION pgprod_audit.capture() TO PUBLIC;  -- to attach it (on_ddl)

-- Whether this is pgprod provisioning prod (its admin, a superuser, re-granting its
-- roles' privileges on every `up`): recorded as its action, not as DDL events.
CREATE OR REPLACE FUNCTION pgprod_audit.provisioning() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT current_setting('application_name') = 'pgprod'
           AND coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$fn$;
ALTER FUNCTION pgprod_audit.provisioning() OWNER TO {auditor};

-- Records a DDL command: reads the event trigger's own list of what it changed, so it
-- records nothing when called outside an event trigger (it errors there).
CREATE OR REPLACE FUNCTION pgprod_audit.record_ddl(p_tag text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    objects jsonb;
    names text;
BEGIN
    SELECT jsonb_agg(jsonb_build_object('tag', c.command_tag, 'type', c.object_type,
                                        'identity', c.object_identity)),
           string_agg(DISTINCT c.object_identity, ', ')
      INTO objects, names
      FROM pg_event_trigger_ddl_commands() c
     WHERE NOT (c.command_tag = 'CREATE TRIGGER'
                AND c.object_identity ~ '^pgprod_audit(_truncate)? on ')
       AND coalesce(c.schema_name, '') <> 'pgprod_audit';
    IF objects IS NULL THEN
        RETURN;  -- only pgprod's own triggers, attached to a new table
    END IF;
    IF pgprod_audit.provisioning() THEN
        RETURN;
    END IF;
    PERFORM pgprod_audit.append('ddl', pgprod_audit.who(), p_tag, names, current_query(),
                                jsonb_build_object('objects', objects));
END
$fn$;
ALTER FUNCTION pgprod_audit.record_ddl(text) OWNER TO {auditor};
GRANT EXECUTE ON FUNCTION pgprod_audit.record_ddl(text) TO PUBLIC;

CREATE OR REPLACE FUNCTION pgprod_audit.record_drop(p_tag text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    objects jsonb;
    names text;
BEGIN
    SELECT jsonb_agg(jsonb_build_object('type', d.object_type, 'identity', d.object_identity)),
           string_agg(d.object_identity, ', ') FILTER (WHERE d.original)
      INTO objects, names
      FROM pg_event_trigger_dropped_objects() d
     WHERE coalesce(d.schema_name, '') <> 'pg_temp' AND NOT d.is_temporary;
    IF objects IS NULL OR p_tag NOT LIKE 'DROP %' THEN
        RETURN;  -- ALTER TABLE ... DROP COLUMN and the like: recorded by record_ddl
    END IF;
    IF pgprod_audit.provisioning() THEN
        RETURN;
    END IF;
    PERFORM pgprod_audit.append('ddl', pgprod_audit.who(), p_tag, names, current_query(),
                                jsonb_build_object('dropped', objects));
END
$fn$;
ALTER FUNCTION pgprod_audit.record_drop(text) OWNER TO {auditor};
GRANT EXECUTE ON FUNCTION pgprod_audit.record_drop(text) TO PUBLIC;

-- A table's primary key columns, in order (none: an empty array).
CREATE OR REPLACE FUNCTION pgprod_audit.key_columns(p_table regclass) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT coalesce(array_agg(a.attname::text ORDER BY k.ord), ARRAY[]::text[])
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = p_table AND i.indisprimary
$fn$;
ALTER FUNCTION pgprod_audit.key_columns(regclass) OWNER TO {auditor};

-- The row trigger's definition for a table: the editor's writes, or every write; its
-- arguments the key columns.
CREATE OR REPLACE FUNCTION pgprod_audit.trigger_sql(p_table regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT format('CREATE OR REPLACE TRIGGER pgprod_audit AFTER INSERT OR UPDATE OR DELETE '
                  'ON %s FOR EACH ROW %s EXECUTE FUNCTION pgprod_audit.capture(%s)',
                  p_table,
                  CASE WHEN EXISTS (SELECT FROM pgprod_audit.tables t
                                    WHERE t.name = p_table::text) THEN ''
                       ELSE format('WHEN (session_user = %L)', {editor}) END,
                  (SELECT string_agg(quote_literal(c), ', ')
                     FROM unnest(pgprod_audit.key_columns(p_table)) c))
$fn$;
ALTER FUNCTION pgprod_audit.trigger_sql(regclass) OWNER TO {auditor};

-- The TRUNCATE trigger's definition for a table: once per statement, before the table
-- is emptied, with the row trigger's WHEN (the editor's, or every one).
CREATE OR REPLACE FUNCTION pgprod_audit.truncate_trigger_sql(p_table regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT format('CREATE OR REPLACE TRIGGER pgprod_audit_truncate BEFORE TRUNCATE '
                  'ON %s FOR EACH STATEMENT %s EXECUTE FUNCTION pgprod_audit.capture()',
                  p_table,
                  CASE WHEN EXISTS (SELECT FROM pgprod_audit.tables t
                                    WHERE t.name = p_table::text) THEN ''
                       ELSE format('WHEN (session_user = %L)', {editor}) END)
$fn$;
ALTER FUNCTION pgprod_audit.truncate_trigger_sql(regclass) OWNER TO {auditor};

-- Whether one of a table's two triggers (`pgprod_audit`, `pgprod_audit_truncate`) is
-- there, enabled, and as trigger_sql or truncate_trigger_sql would make it (its events
-- and function, audited or not, the row trigger's key columns).
CREATE OR REPLACE FUNCTION pgprod_audit.current(p_table regclass, p_trigger text)
RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT EXISTS (
        SELECT FROM pg_trigger t
        WHERE t.tgrelid = p_table AND t.tgname = p_trigger AND t.tgenabled IN ('O', 'A')
          AND t.tgfoid = 'pgprod_audit.capture()'::regprocedure
          -- AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW; BEFORE TRUNCATE (pg_trigger.h)
          AND t.tgtype = CASE p_trigger WHEN 'pgprod_audit' THEN 1 | 4 | 8 | 16
                                        WHEN 'pgprod_audit_truncate' THEN 2 | 32 END
          AND (t.tgqual IS NULL) = EXISTS (SELECT FROM pgprod_audit.tables a
                                           WHERE a.name = p_table::text)
          AND t.tgargs = CASE WHEN p_trigger = 'pgprod_audit_truncate' THEN ''::bytea
                              ELSE coalesce(
                (SELECT string_agg(convert_to(c, 'UTF8') || '\x00'::bytea, ''::bytea ORDER BY n)
                   FROM unnest(pgprod_audit.key_columns(p_table)) WITH ORDINALITY k(c, n)),
                ''::bytea) END)
$fn$;
ALTER FUNCTION pgprod_audit.current(regclass, text) OWNER TO {auditor};

-- Whether both of a table's triggers are current.
CREATE OR REPLACE FUNCTION pgprod_audit.current(p_table regclass) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT pgprod_audit.current(p_table, 'pgprod_audit')
           AND pgprod_audit.current(p_table, 'pgprod_audit_truncate')
$fn$;
ALTER FUNCTION pgprod_audit.current(regclass) OWNER TO {auditor};

-- After each DDL command, as whoever ran it: a new table gets the row and TRUNCATE
-- triggers (and a changed one a new key), pgprod's triggers cannot be disabled nor
-- replaced; then the command is recorded.
CREATE OR REPLACE FUNCTION pgprod_audit.on_ddl() RETURNS event_trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    t regclass;
    made text[];
BEGIN
    FOR t, made IN  -- the tables changed, and those a trigger calling capture was made on
        SELECT c.oid, array_agg(g.tgname) FILTER (WHERE g.oid IS NOT NULL)
          FROM pg_event_trigger_ddl_commands() d
          LEFT JOIN pg_trigger g ON d.classid = 'pg_trigger'::regclass AND g.oid = d.objid
                                AND g.tgfoid = 'pgprod_audit.capture()'::regprocedure
          JOIN pg_class c ON (c.oid = d.objid AND d.classid = 'pg_class'::regclass)
                             OR c.oid = g.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence <> 't'
           AND n.nspname NOT IN ('pgprod', 'pgprod_audit', 'information_schema')
           AND n.nspname !~ '^pg_'
         GROUP BY c.oid
    LOOP
        IF EXISTS (SELECT FROM pg_trigger
                    WHERE tgrelid = t AND tgname IN ('pgprod_audit', 'pgprod_audit_truncate')
                      AND tgenabled NOT IN ('O', 'A')) THEN
            RAISE EXCEPTION 'pgprod''s audit trigger on % cannot be disabled', t
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- CREATE OR REPLACE TRIGGER or ALTER TRIGGER ... RENAME on one of pgprod's, or
        -- capture attached by hand (those pgprod makes, just above, are current)
        IF EXISTS (SELECT FROM unnest(made) m WHERE NOT pgprod_audit.current(t, m)) THEN
            RAISE EXCEPTION 'pgprod''s audit triggers on % cannot be changed', t
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT pgprod_audit.current(t, 'pgprod_audit') THEN
            EXECUTE pgprod_audit.trigger_sql(t);
        END IF;
        IF NOT pgprod_audit.current(t, 'pgprod_audit_truncate') THEN
            EXECUTE pgprod_audit.truncate_trigger_sql(t);
        END IF;
    END LOOP;
    PERFORM pgprod_audit.record_ddl(TG_TAG);
END
$fn$;
ALTER FUNCTION pgprod_audit.on_ddl() OWNER TO {auditor};

CREATE OR REPLACE FUNCTION pgprod_audit.on_drop() RETURNS event_trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF EXISTS (SELECT FROM pg_event_trigger_dropped_objects() d
                WHERE d.original AND d.object_type = 'trigger'
                  AND d.address_names[3] IN ('pgprod_audit', 'pgprod_audit_truncate')) THEN
        RAISE EXCEPTION 'pgprod''s audit trigger cannot be dropped'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pgprod_audit.record_drop(TG_TAG);
END
$fn$;
ALTER FUNCTION pgprod_audit.on_drop() OWNER TO {auditor};

-- Pruning ([audit] retention): the admin's alone; each lane keeps where it was cut.
CREATE OR REPLACE FUNCTION pgprod_audit.prune(p_before timestamptz, p_actor text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    cut numeric;
    gone bigint;
BEGIN
    PERFORM FROM pgprod_audit.lanes FOR UPDATE;  -- no sealing meanwhile
    -- the events before the first one that is not older (an event brought in late, a
    -- refusal read from the log, may be older than others): one cut across the lanes
    SELECT coalesce(min(id), 'infinity'::numeric) INTO cut FROM pgprod_audit.events
     WHERE at >= p_before;
    UPDATE pgprod_audit.lanes l SET pruned_seq = last.seq, pruned_hash = last.hash
      FROM (SELECT DISTINCT ON (lane) lane, seq, hash FROM pgprod_audit.events
             WHERE id < cut ORDER BY lane, seq DESC) last
     WHERE l.lane = last.lane;
    DELETE FROM pgprod_audit.events WHERE id < cut;
    GET DIAGNOSTICS gone = ROW_COUNT;
    IF gone > 0 THEN
        PERFORM pgprod_audit.append('action', p_actor, 'audit prune', 'pgprod_audit.events',
                                    NULL, jsonb_build_object('events', gone,
                                                             'before', p_before));
    END IF;
    RETURN gone;
END
$fn$;
ALTER FUNCTION pgprod_audit.prune(timestamptz, text) OWNER TO {auditor};
REVOKE ALL ON FUNCTION pgprod_audit.prune(timestamptz, text) FROM PUBLIC;

-- Chain the pending events (the admin's alone), at most p_limit of them: in the order
-- of their ids, each gets the chain's next seq and the hash of the previous event's hash
-- and its own text's digest, then leaves `pending`; how many. The digests are taken in
-- one statement; only the short chaining is a loop. One sealer at a time (the chain's
-- row in `lanes`, locked to the end of the transaction); events committed while it
-- runs wait for the next one.
CREATE OR REPLACE FUNCTION pgprod_audit.seal(p_limit int) RETURNS bigint LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    previous text;
    last_seq bigint;
    ids bigint[];
    digests text[];
    hashes text[];
BEGIN
    PERFORM FROM pgprod_audit.lanes WHERE lane = {chain} FOR UPDATE;
    -- then, in a statement of its own (a snapshot taken once the lock is held, which
    -- sees what the sealer before committed), where the chain ends
    SELECT coalesce(newest.seq, l.pruned_seq), coalesce(newest.hash, l.pruned_hash)
      INTO last_seq, previous
      FROM pgprod_audit.lanes l
      LEFT JOIN LATERAL (SELECT seq, hash FROM pgprod_audit.events
                         WHERE lane = l.lane ORDER BY seq DESC LIMIT 1) newest ON true
     WHERE l.lane = {chain};
    SELECT array_agg(e.id ORDER BY e.seq), array_agg({digest} ORDER BY e.seq)
      INTO ids, digests
      FROM (SELECT p.id, {chain} AS lane, last_seq + row_number() OVER (ORDER BY p.id) AS seq,
                   p.at, p.kind, p.actor, p.login, p.application, p.client, p.publish,
                   p.command, p.object, p.statement, p.detail
              FROM (SELECT * FROM pgprod_audit.pending ORDER BY id LIMIT p_limit) p) e;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    hashes := array_fill(NULL::text, ARRAY[cardinality(ids)]);
    FOR i IN 1 .. cardinality(ids) LOOP
        previous := encode(sha256(convert_to(previous || digests[i], 'UTF8')), 'hex');
        hashes[i] := previous;
    END LOOP;
    INSERT INTO pgprod_audit.events
    SELECT p.id, {chain}, last_seq + k.n, p.at, p.kind, p.actor, p.login, p.application,
           p.client, p.publish, p.command, p.object, p.statement, p.detail, k.hash
      FROM unnest(ids, hashes) WITH ORDINALITY k(id, hash, n)
      JOIN pgprod_audit.pending p ON p.id = k.id;
    DELETE FROM pgprod_audit.pending WHERE id = ANY(ids);
    RETURN cardinality(ids);
END
$fn$;
DROP FUNCTION IF EXISTS pgprod_audit.seal();  -- before it took a limit
ALTER FUNCTION pgprod_audit.seal(int) OWNER TO {auditor};
REVOKE ALL ON FUNCTION pgprod_audit.seal(int) FROM PUBLIC;
