-- a table is UNLOGGED in B
CREATE UNLOGGED TABLE public.cache (key text PRIMARY KEY, value bytea);
