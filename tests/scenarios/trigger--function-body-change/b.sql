-- the trigger function's body changes (trigger unchanged)
CREATE TABLE public.item (id int PRIMARY KEY, name text, price numeric, updated_at timestamptz);
CREATE TABLE public.item_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id int, op text, at timestamptz DEFAULT now());
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE FUNCTION public.log_op() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.item_log (item_id, op) VALUES (coalesce(NEW.id, OLD.id), TG_OP);
  RETURN coalesce(NEW, OLD);
END $$;
CREATE FUNCTION public.log_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.item_log (item_id, op) VALUES (NULL, TG_OP || ' statement');
  RETURN NULL;
END $$;
CREATE TRIGGER item_touch BEFORE INSERT OR UPDATE ON public.item FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE OR REPLACE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$;
