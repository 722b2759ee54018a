-- a SQL procedure with an INOUT argument
CREATE TABLE public.audit (id serial PRIMARY KEY, msg text);
