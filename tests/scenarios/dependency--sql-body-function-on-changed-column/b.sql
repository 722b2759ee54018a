-- a SQL-standard function body depends on a column whose type changes
CREATE TABLE public.acct (id int PRIMARY KEY, balance numeric(14,2));
CREATE FUNCTION public.total_balance() RETURNS numeric LANGUAGE sql STABLE BEGIN ATOMIC SELECT sum(balance) FROM public.acct; END;
