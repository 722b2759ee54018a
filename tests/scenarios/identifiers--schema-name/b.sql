-- a schema with spaces and capitals holding a table and a view
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."Data" ("Key" text PRIMARY KEY, "Value" jsonb);
CREATE VIEW "My Schema"."My View" AS SELECT "Key" FROM "My Schema"."Data";
COMMENT ON SCHEMA "My Schema" IS 'quoted';
