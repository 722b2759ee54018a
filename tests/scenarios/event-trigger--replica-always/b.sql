-- an event trigger is ENABLE REPLICA in A and ENABLE ALWAYS in B
CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE DEBUG 'ddl: %', tg_tag;
END $$;
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION public.note_ddl();
ALTER EVENT TRIGGER log_ddl ENABLE ALWAYS;
