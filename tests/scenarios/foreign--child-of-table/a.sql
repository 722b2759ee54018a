-- a foreign table as a child of a regular table comes and goes (own columns, a check, options on an inherited column)
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE public.events (id int NOT NULL, at date, kind text);
