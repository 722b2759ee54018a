-- an event trigger on ddl_command_end is added
CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE DEBUG 'ddl: %', tg_tag;
END $$;
CREATE TABLE public.keep (id int PRIMARY KEY);
