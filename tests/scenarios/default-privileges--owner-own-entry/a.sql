-- a role's database-wide default privileges on tables keep only SELECT for the role itself ({scenario_admin=r/scenario_admin}) and add one for a reader
CREATE TABLE public.anchor (id int);
