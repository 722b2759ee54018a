-- foreign data with awkward names: a server, a schema, a foreign table, columns and option names that need quoting
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
CREATE SCHEMA "Remote Data";
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
