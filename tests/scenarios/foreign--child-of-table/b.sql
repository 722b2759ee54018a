-- a foreign table as a child of a regular table comes and goes (own columns, a check, options on an inherited column)
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE public.events (id int NOT NULL, at date, kind text);
CREATE FOREIGN TABLE public.events_archive (note text, CONSTRAINT old_only CHECK (at < '2020-01-01'))
    INHERITS (public.events) SERVER files OPTIONS (filename '/dev/null', format 'csv');
ALTER FOREIGN TABLE public.events_archive ALTER COLUMN id OPTIONS (force_not_null 'true');
COMMENT ON FOREIGN TABLE public.events_archive IS 'archived events, read from a file';
GRANT SELECT ON public.events_archive TO scenario_reader;
