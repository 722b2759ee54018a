-- sql_drop and table_rewrite event triggers
CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE DEBUG 'ddl: %', tg_tag;
END $$;
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE FUNCTION public.note_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
   DECLARE r record;
   BEGIN
     FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
       RAISE DEBUG 'dropped %', r.object_identity;
     END LOOP;
   END $$;
CREATE FUNCTION public.note_rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE DEBUG 'rewrite % reason %', pg_event_trigger_table_rewrite_oid()::regclass, pg_event_trigger_table_rewrite_reason();
   END $$;
CREATE EVENT TRIGGER log_drops ON sql_drop EXECUTE FUNCTION public.note_drop();
CREATE EVENT TRIGGER log_rewrites ON table_rewrite EXECUTE FUNCTION public.note_rewrite();
