-- identical rich multi-tenant schema on both sides: the diff must be empty
-- requires: extension hstore
-- requires: extension ltree
CREATE EXTENSION hstore SCHEMA public;
CREATE EXTENSION ltree;
CREATE SCHEMA app;
CREATE SCHEMA "Billing";
CREATE TYPE app.plan AS ENUM ('free', 'team', 'enterprise');
CREATE TYPE app.role AS ENUM ('owner', 'admin', 'member');
CREATE DOMAIN app.slug AS text CONSTRAINT slug_shape CHECK (VALUE ~ '^[a-z0-9-]+$');
CREATE TABLE app.org (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), slug app.slug NOT NULL UNIQUE, plan app.plan NOT NULL DEFAULT 'free', settings hstore, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE app.member (org_id uuid NOT NULL REFERENCES app.org ON DELETE CASCADE, user_name text NOT NULL, role app.role NOT NULL DEFAULT 'member', PRIMARY KEY (org_id, user_name));
CREATE TABLE app.folder (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id uuid NOT NULL REFERENCES app.org, path ltree NOT NULL, UNIQUE (org_id, path));
CREATE INDEX folder_path_idx ON app.folder USING gist (path);
CREATE TABLE "Billing"."Invoice" ("Id" int PRIMARY KEY, org_id uuid NOT NULL REFERENCES app.org, "Amount" numeric(12,2) NOT NULL, "Period" daterange NOT NULL, "Paid" boolean NOT NULL DEFAULT false);
CREATE TABLE app.usage (org_id uuid NOT NULL, day date NOT NULL, units bigint NOT NULL DEFAULT 0) PARTITION BY HASH (org_id);
CREATE TABLE app.usage_0 PARTITION OF app.usage FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE app.usage_1 PARTITION OF app.usage FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE UNIQUE INDEX usage_key ON app.usage (org_id, day);
CREATE FUNCTION app.current_org() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.org', true), '')::uuid $$;
ALTER TABLE app.member ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.member FORCE ROW LEVEL SECURITY;
CREATE POLICY member_org ON app.member USING (org_id = app.current_org());
ALTER TABLE app.folder ENABLE ROW LEVEL SECURITY;
CREATE POLICY folder_org ON app.folder FOR SELECT USING (org_id = app.current_org());
CREATE POLICY folder_write ON app.folder FOR INSERT TO scenario_writer WITH CHECK (org_id = app.current_org());
CREATE FUNCTION app.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE DEBUG 'ddl %', tg_tag; END $$;
CREATE EVENT TRIGGER app_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION app.note_ddl();
CREATE VIEW "Billing"."Open Invoices" AS SELECT "Id", org_id, "Amount" FROM "Billing"."Invoice" WHERE NOT "Paid";
CREATE FUNCTION app.plan_rank(p app.plan) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT array_position(enum_range(NULL::app.plan), p) $$;
CREATE PUBLICATION billing_pub FOR TABLES IN SCHEMA "Billing";
GRANT USAGE ON SCHEMA app, "Billing" TO scenario_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA "Billing" TO scenario_reader;
GRANT SELECT, INSERT ON app.folder TO scenario_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
COMMENT ON TABLE app.org IS 'tenants';
COMMENT ON COLUMN "Billing"."Invoice"."Period" IS 'billing period';
COMMENT ON POLICY member_org ON app.member IS 'org isolation';
