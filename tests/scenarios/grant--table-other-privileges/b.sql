-- TRUNCATE, REFERENCES, TRIGGER and MAINTAIN privileges
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT TRUNCATE, REFERENCES, TRIGGER, MAINTAIN ON public.t TO scenario_admin;
