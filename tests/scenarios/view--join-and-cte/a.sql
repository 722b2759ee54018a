-- a view with a join, an aggregate and a CTE
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE TABLE public.payment (id int PRIMARY KEY, account_id int REFERENCES public.account, amount numeric);
