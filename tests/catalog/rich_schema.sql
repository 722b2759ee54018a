-- A schema with every kind the catalog models, and identifiers that need quoting:
-- capitals, spaces, embedded quotes, unicode and reserved words. Grants go to
-- predefined roles so that no cluster-wide role has to be created.

CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'application';
GRANT USAGE ON SCHEMA app TO pg_read_all_data;
CREATE SCHEMA "My Schema";

CREATE EXTENSION hstore SCHEMA app;

CREATE COLLATION app."C copy" FROM "C";
COMMENT ON COLLATION app."C copy" IS 'byte order';

CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
COMMENT ON TYPE app.mood IS 'how it feels';
GRANT USAGE ON TYPE app.mood TO pg_read_all_data;
CREATE DOMAIN app.posint AS integer DEFAULT 1 NOT NULL CONSTRAINT positive CHECK (VALUE > 0);
ALTER DOMAIN app.posint ADD CONSTRAINT "below 1000" CHECK (VALUE < 1000) NOT VALID;
COMMENT ON CONSTRAINT positive ON DOMAIN app.posint IS 'strictly';
CREATE DOMAIN app.code AS text COLLATE "C";
CREATE TYPE app.pair AS (x integer, "Y val" text COLLATE "C");
COMMENT ON COLUMN app.pair.x IS 'first';
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);

CREATE TABLE app."Order" (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
    "select" text NOT NULL DEFAULT 'x',
    "naïve column" text COLLATE "C",
    mood app.mood,
    qty app.posint,
    tags text[],
    total numeric(10, 2) CONSTRAINT total_positive CHECK (total >= 0),
    doubled numeric GENERATED ALWAYS AS (total * 2) STORED,
    tripled numeric GENERATED ALWAYS AS (total * 3) VIRTUAL,
    created timestamptz DEFAULT '2024-01-01 12:00:00+00',
    attrs app.hstore
);
COMMENT ON TABLE app."Order" IS 'orders';
COMMENT ON COLUMN app."Order"."select" IS 'a reserved word';
COMMENT ON CONSTRAINT total_positive ON app."Order" IS 'no refunds';
ALTER TABLE app."Order" ALTER COLUMN tags SET STATISTICS 500;
ALTER TABLE app."Order" ALTER COLUMN "naïve column" SET STORAGE EXTERNAL;
ALTER TABLE app."Order" ALTER COLUMN "naïve column" SET (n_distinct = 10);
GRANT SELECT ON app."Order" TO pg_read_all_data WITH GRANT OPTION;
GRANT UPDATE ("select") ON app."Order" TO pg_write_all_data;
ALTER TABLE app."Order" ENABLE ROW LEVEL SECURITY;
ALTER TABLE app."Order" FORCE ROW LEVEL SECURITY;
CREATE POLICY "own rows" ON app."Order" AS RESTRICTIVE FOR UPDATE TO pg_read_all_data, pg_write_all_data
    USING (qty > 0) WITH CHECK (qty < 100);
COMMENT ON POLICY "own rows" ON app."Order" IS 'be careful';
CREATE INDEX "Order_tags" ON app."Order" USING gin (tags);
COMMENT ON INDEX app."Order_tags" IS 'find by tag';

CREATE TABLE app.line (
    order_id bigint NOT NULL REFERENCES app."Order" ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    n integer NOT NULL,
    sku text,
    CONSTRAINT line_pk PRIMARY KEY (order_id, n),
    CONSTRAINT sku_uniq UNIQUE NULLS NOT DISTINCT (sku),
    CONSTRAINT n_pos CHECK (n > 0) NO INHERIT,
    CONSTRAINT n_excl EXCLUDE USING btree (n WITH =)
) WITH (fillfactor = 70, autovacuum_enabled = false);
ALTER TABLE app.line ADD CONSTRAINT sku_len CHECK (length(sku) < 50) NOT VALID;
ALTER TABLE app.line ADD CONSTRAINT n_small CHECK (n < 1000000) NOT ENFORCED;
ALTER TABLE app.line ADD CONSTRAINT sku_nn NOT NULL sku NOT VALID;
ALTER TABLE app.line ADD CONSTRAINT fk_full FOREIGN KEY (order_id) REFERENCES app."Order" (id)
    MATCH FULL ON UPDATE RESTRICT NOT VALID;
CREATE UNIQUE INDEX line_sku_lower ON app.line (lower(sku)) INCLUDE (n) WHERE sku IS NOT NULL;
CREATE INDEX line_hash ON app.line USING hash (sku);
CREATE INDEX line_desc ON app.line (n DESC NULLS LAST, sku text_pattern_ops);
ALTER TABLE app.line CLUSTER ON line_desc;
ALTER TABLE app.line REPLICA IDENTITY USING INDEX line_pk;

CREATE TABLE app.events (id bigint NOT NULL, at date NOT NULL, payload jsonb)
    PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_default PARTITION OF app.events DEFAULT;
ALTER TABLE app.events ADD PRIMARY KEY (id, at);
CREATE INDEX events_at ON app.events (at);

CREATE TABLE app.base (id integer, note text, CONSTRAINT sane CHECK (tableoid <> 0 AND id > 0));
CREATE TABLE app.child (extra integer) INHERITS (app.base);
CREATE UNLOGGED TABLE app.cache (k text PRIMARY KEY, v text);
CREATE TABLE app.pairs OF app.pair;

CREATE SEQUENCE app.counter AS integer START 10 INCREMENT 2 MINVALUE 10 MAXVALUE 1000
    CACHE 5 CYCLE;
GRANT USAGE ON SEQUENCE app.counter TO pg_read_all_data;
COMMENT ON SEQUENCE app.counter IS 'counts';
CREATE TABLE app.serials (id serial PRIMARY KEY);

CREATE VIEW app.big_orders WITH (security_invoker = true, security_barrier = true) AS
    SELECT id, total FROM app."Order" WHERE total > 100 WITH LOCAL CHECK OPTION;
COMMENT ON VIEW app.big_orders IS 'over 100';
COMMENT ON COLUMN app.big_orders.total IS 'view column';
CREATE MATERIALIZED VIEW app.order_totals AS
    SELECT mood, sum(total) AS total FROM app."Order" GROUP BY mood WITH NO DATA;
CREATE UNIQUE INDEX order_totals_mood ON app.order_totals (mood);

CREATE FUNCTION app."Add"(a integer, b integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT a + b $$;
CREATE FUNCTION app."Add"(a text, b text) RETURNS text LANGUAGE sql AS $$ SELECT a || b $$;
REVOKE EXECUTE ON FUNCTION app."Add"(integer, integer) FROM PUBLIC;
COMMENT ON FUNCTION app."Add"(text, text) IS 'concatenates';
CREATE PROCEDURE app.touch(INOUT n integer) LANGUAGE plpgsql AS $$ BEGIN n := n + 1; END $$;
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog AS $$ BEGIN RETURN NEW; END $$;
CREATE AGGREGATE app.mysum(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0',
    PARALLEL = SAFE);
CREATE FUNCTION app.evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;

CREATE TRIGGER "Audit" BEFORE INSERT OR UPDATE OF qty ON app."Order"
    FOR EACH ROW WHEN (NEW.qty IS NOT NULL) EXECUTE FUNCTION app.trg();
ALTER TABLE app."Order" DISABLE TRIGGER "Audit";
COMMENT ON TRIGGER "Audit" ON app."Order" IS 'audits';
CREATE CONSTRAINT TRIGGER line_check AFTER INSERT ON app.line DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION app.trg();
CREATE TRIGGER events_trg AFTER INSERT ON app.events FOR EACH ROW EXECUTE FUNCTION app.trg();

CREATE RULE "no delete" AS ON DELETE TO app.cache DO INSTEAD NOTHING;
COMMENT ON RULE "no delete" ON app.cache IS 'keep';

CREATE EVENT TRIGGER log_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
    EXECUTE FUNCTION app.evt();
COMMENT ON EVENT TRIGGER log_ddl IS 'watches';

CREATE TABLE "My Schema"."Ta""ble ünï" (
    "col with ""quotes""" integer PRIMARY KEY,
    "Ünïcödé" text,
    "user" integer,
    "CamelCase" integer
);
CREATE TABLE "My Schema"."table" ("from" integer REFERENCES "My Schema"."Ta""ble ünï");

CREATE PUBLICATION pub FOR TABLE app.line (order_id, n) WHERE (n > 1)
    WITH (publish = 'insert, update');
CREATE PUBLICATION "schema pub" FOR TABLES IN SCHEMA "My Schema" WITH (publish_via_partition_root);
COMMENT ON PUBLICATION pub IS 'replicates';
CREATE PUBLICATION everything FOR ALL TABLES WITH (publish_generated_columns = stored);

ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO pg_read_all_data;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
