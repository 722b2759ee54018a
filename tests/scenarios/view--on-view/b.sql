-- a view over another view is added
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE VIEW public.v1 AS SELECT id, email, balance FROM public.account WHERE active;
CREATE VIEW public.v2 AS SELECT id, upper(email) AS email FROM public.v1 WHERE balance > 0;
