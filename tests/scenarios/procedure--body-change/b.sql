-- a procedure body changes
CREATE TABLE public.audit (id serial PRIMARY KEY, msg text);
CREATE PROCEDURE public.log_msg(m text) LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.audit (msg) VALUES (upper(m)); END $$;
