-- a trigger's function is replaced by a differently named function
CREATE TABLE public.t (id int PRIMARY KEY, v text, changed timestamptz);
CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := now(); RETURN NEW; END $$;
CREATE TRIGGER t_stamp BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.stamp();
