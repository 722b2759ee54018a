-- trigger, policy and sequence names with quotes and spaces
CREATE TABLE public."Notes" (id int PRIMARY KEY, body text, touched timestamptz);
CREATE FUNCTION public."Touch Fn"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
CREATE TRIGGER "Touch Me" BEFORE UPDATE ON public."Notes" FOR EACH ROW EXECUTE FUNCTION public."Touch Fn"();
ALTER TABLE public."Notes" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Only ""Mine""" ON public."Notes" USING (true);
CREATE SEQUENCE public."Seq #1";
