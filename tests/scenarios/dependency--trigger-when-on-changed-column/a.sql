-- a trigger's WHEN clause references a column whose type changes
CREATE TABLE public.t (id int PRIMARY KEY, v int, changed timestamptz);
CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := now(); RETURN NEW; END $$;
CREATE TRIGGER t_stamp BEFORE UPDATE ON public.t FOR EACH ROW WHEN (NEW.v > 0) EXECUTE FUNCTION public.stamp();
