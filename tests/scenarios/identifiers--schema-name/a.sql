-- a schema with spaces and capitals holding a table and a view
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."Data" ("Key" text PRIMARY KEY, "Value" jsonb);
