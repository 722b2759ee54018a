-- a table SELECT loses its grant option (revoked and granted again) while a column SELECT of the same role stays
CREATE TABLE public.ledger (id int PRIMARY KEY, amount numeric, memo text);
GRANT SELECT ON public.ledger TO scenario_admin;
GRANT SELECT (memo) ON public.ledger TO scenario_admin;
