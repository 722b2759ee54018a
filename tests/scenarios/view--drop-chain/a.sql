-- a chain of three views exists only in A
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE VIEW public.v1 AS SELECT * FROM public.account;
CREATE VIEW public.v2 AS SELECT id, email FROM public.v1;
CREATE VIEW public.v3 AS SELECT count(*) AS n FROM public.v2;
