-- a schema, scenario_admin's default privileges in it and a table scenario_admin made there all appear in B
CREATE TABLE public.keep (id int);
