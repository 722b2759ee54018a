-- one role holds SELECT on the whole table and UPDATE on one column; another the same privilege on both levels
CREATE TABLE public.account (id int PRIMARY KEY, email text, plan text);
GRANT SELECT ON public.account TO scenario_reader;
GRANT UPDATE (plan) ON public.account TO scenario_reader;
GRANT SELECT ON public.account TO scenario_writer;
GRANT SELECT (email), INSERT (email, plan) ON public.account TO scenario_writer;
