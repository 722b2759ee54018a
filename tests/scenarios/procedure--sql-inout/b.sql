-- a SQL procedure with an INOUT argument
CREATE TABLE public.audit (id serial PRIMARY KEY, msg text);
CREATE PROCEDURE public.count_audit(INOUT n bigint DEFAULT NULL) LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM public.audit; END;
