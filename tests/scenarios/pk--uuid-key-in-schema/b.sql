-- a new table in another schema with a uuid primary key defaulting to gen_random_uuid()
CREATE SCHEMA app;
CREATE TABLE app.session (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), started timestamptz NOT NULL DEFAULT now());
