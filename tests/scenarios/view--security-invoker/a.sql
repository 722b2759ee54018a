-- a view gets WITH (security_invoker = true)
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE VIEW public.v AS SELECT id, email FROM public.account;
