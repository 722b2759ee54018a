-- an event trigger gains a WHEN TAG IN filter
CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE DEBUG 'ddl: %', tg_tag;
END $$;
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE EVENT TRIGGER log_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION public.note_ddl();
