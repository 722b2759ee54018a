-- an INSTEAD OF INSERT trigger on a view
CREATE TABLE public.item (id int PRIMARY KEY, name text);
CREATE VIEW public.item_v AS SELECT id, name FROM public.item;
CREATE FUNCTION public.item_v_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.item VALUES (NEW.id, upper(NEW.name)); RETURN NEW; END $$;
