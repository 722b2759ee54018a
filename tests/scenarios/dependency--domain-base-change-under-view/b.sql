-- a domain's base type changes under a column used by a view
CREATE DOMAIN public.qty AS bigint CHECK (VALUE >= 0);
CREATE TABLE public.stock (id int PRIMARY KEY, n public.qty);
CREATE VIEW public.stock_v AS SELECT id, n FROM public.stock;
