-- functions and arguments with awkward names
CREATE FUNCTION public."Do Thing"("Arg One" int) RETURNS int LANGUAGE sql AS $$ SELECT "Arg One" + 2 $$;
CREATE FUNCTION public."select"("order" text) RETURNS text LANGUAGE sql AS $$ SELECT "order" $$;
CREATE FUNCTION public."ƒ"() RETURNS text LANGUAGE sql AS $$ SELECT 'ƒ' $$;
