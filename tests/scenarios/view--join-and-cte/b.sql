-- a view with a join, an aggregate and a CTE
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE TABLE public.payment (id int PRIMARY KEY, account_id int REFERENCES public.account, amount numeric);
CREATE VIEW public.account_totals AS
     WITH p AS (SELECT account_id, sum(amount) AS total FROM public.payment GROUP BY account_id)
     SELECT a.id, a.email, coalesce(p.total, 0) AS total FROM public.account a LEFT JOIN p ON p.account_id = a.id;
