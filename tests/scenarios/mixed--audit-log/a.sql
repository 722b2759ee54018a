-- a partitioned audit table, a generic trigger function, triggers on two tables, grants
CREATE TABLE public.customer (id int PRIMARY KEY, name text);
CREATE TABLE public.invoice (id int PRIMARY KEY, customer_id int REFERENCES public.customer, amount numeric);
