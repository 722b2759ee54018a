-- a procedure is SECURITY DEFINER with a search_path
CREATE TABLE public.audit (id serial PRIMARY KEY, msg text);
CREATE PROCEDURE public.log_msg(m text) LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$ BEGIN INSERT INTO public.audit (msg) VALUES (m); END $$;
