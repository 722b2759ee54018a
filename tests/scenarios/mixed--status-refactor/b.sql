-- a text status with a CHECK becomes an enum; index and function follow
CREATE TYPE public.ticket_status AS ENUM ('open', 'closed', 'blocked');
CREATE TABLE public.ticket (id int PRIMARY KEY, status public.ticket_status NOT NULL DEFAULT 'open', title text);
CREATE INDEX ticket_status_idx ON public.ticket (status) WHERE status <> 'closed';
CREATE FUNCTION public.open_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.ticket WHERE status = 'open' $$;
CREATE FUNCTION public.count_by(s public.ticket_status) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.ticket WHERE status = s $$;
