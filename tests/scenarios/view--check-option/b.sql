-- a view's check option changes from LOCAL to CASCADED
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE VIEW public.v AS SELECT * FROM public.account WHERE active WITH CASCADED CHECK OPTION;
