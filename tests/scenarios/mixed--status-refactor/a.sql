-- a text status with a CHECK becomes an enum; index and function follow
CREATE TABLE public.ticket (id int PRIMARY KEY, status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')), title text);
CREATE INDEX ticket_status_idx ON public.ticket (status);
CREATE FUNCTION public.open_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.ticket WHERE status = 'open' $$;
