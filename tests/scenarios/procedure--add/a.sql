-- a procedure is added
CREATE TABLE public.audit (id serial PRIMARY KEY, msg text);
