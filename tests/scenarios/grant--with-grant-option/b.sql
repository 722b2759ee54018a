-- a grant becomes WITH GRANT OPTION
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT SELECT ON public.t TO scenario_admin WITH GRANT OPTION;
