-- a SQL-standard function body depends on a column whose type changes
CREATE TABLE public.acct (id int PRIMARY KEY, balance int);
CREATE FUNCTION public.total_balance() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT sum(balance) FROM public.acct; END;
