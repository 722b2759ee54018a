-- a table becomes partitioned (dropped and created anew); a SETOF function and a function over its row follow it
CREATE TABLE public.events (id bigint NOT NULL, happened date NOT NULL, kind text NOT NULL) PARTITION BY RANGE (happened);
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE FUNCTION public.recent_events(since date) RETURNS SETOF public.events LANGUAGE sql STABLE AS $$ SELECT * FROM public.events WHERE happened >= since $$;
CREATE FUNCTION public.describe(e public.events) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT e.kind || '@' || e.happened $$;
