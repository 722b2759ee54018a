-- a procedure gains an argument
CREATE TABLE public.audit (id serial PRIMARY KEY, msg text);
CREATE PROCEDURE public.log_msg(m text, level int DEFAULT 0) LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.audit (msg) VALUES (level || ':' || m); END $$;
