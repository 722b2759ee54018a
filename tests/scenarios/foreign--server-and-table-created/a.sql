-- a foreign server, a user mapping and a foreign table appear (postgres_fdw installed on both sides)
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
