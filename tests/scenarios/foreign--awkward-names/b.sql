-- foreign data with awkward names: a server, a schema, a foreign table, columns and option names that need quoting
CREATE EXTENSION postgres_fdw;
CREATE SCHEMA "Remote Data";
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER "My ""odd"" server" FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (dbname 'it''s here', application_name 'a,b=c');
CREATE USER MAPPING FOR "scenario_reader" SERVER "My ""odd"" server" OPTIONS (user 'Ünïcödé', password 'p=a''s s');
CREATE FOREIGN TABLE "Remote Data"."Order Lines" (
    "Line No" int OPTIONS (column_name 'line no'),
    "select" text OPTIONS (column_name 'Sélect'),
    "表" numeric CONSTRAINT "positive 表" CHECK ("表" > 0)
) SERVER "My ""odd"" server" OPTIONS (schema_name 'Order Data', table_name 'lines "x"');
COMMENT ON FOREIGN TABLE "Remote Data"."Order Lines" IS 'd''après';
COMMENT ON CONSTRAINT "positive 表" ON "Remote Data"."Order Lines" IS 'never zero';
GRANT SELECT ("Line No") ON "Remote Data"."Order Lines" TO scenario_reader;
