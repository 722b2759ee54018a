-- a trigger's function moves to another schema
CREATE SCHEMA util;
CREATE TABLE public.t (id int PRIMARY KEY, v text, changed timestamptz);
CREATE FUNCTION util.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := now(); RETURN NEW; END $$;
CREATE TRIGGER t_stamp BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION util.stamp();
