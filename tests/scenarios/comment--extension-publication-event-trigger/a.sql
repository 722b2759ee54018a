-- comments on an extension, a publication and an event trigger
-- requires: extension citext
CREATE EXTENSION citext;
CREATE TABLE public.t (id int PRIMARY KEY);
CREATE PUBLICATION pub FOR TABLE public.t;
CREATE FUNCTION public.et() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER et_noop ON ddl_command_end EXECUTE FUNCTION public.et();
