-- sql_drop and table_rewrite event triggers
CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE DEBUG 'ddl: %', tg_tag;
END $$;
CREATE TABLE public.keep (id int PRIMARY KEY);
