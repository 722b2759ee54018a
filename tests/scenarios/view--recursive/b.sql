-- a recursive view
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE RECURSIVE VIEW public.nums (n) AS SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 10;
