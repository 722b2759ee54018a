-- a table becomes partitioned (dropped and created anew); a SETOF function and a function over its row follow it
CREATE TABLE public.events (id bigint NOT NULL, happened date NOT NULL, kind text NOT NULL);
CREATE FUNCTION public.recent_events(since date) RETURNS SETOF public.events LANGUAGE sql STABLE AS $$ SELECT * FROM public.events WHERE happened >= since $$;
CREATE FUNCTION public.describe(e public.events) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT e.kind || '@' || e.happened $$;
