-- a role loses SELECT on the whole table but keeps SELECT on one column (REVOKE on the table revokes it on the columns too)
CREATE TABLE public.customer (id int PRIMARY KEY, name text, card text);
GRANT SELECT ON public.customer TO scenario_reader;
GRANT SELECT (name) ON public.customer TO scenario_reader;
