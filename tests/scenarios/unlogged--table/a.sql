-- a table is UNLOGGED in B
CREATE TABLE public.cache (key text PRIMARY KEY, value bytea);
