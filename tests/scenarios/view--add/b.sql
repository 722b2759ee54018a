-- a view is added
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE VIEW public.active_account AS SELECT id, email FROM public.account WHERE active;
