-- functions and arguments with awkward names
CREATE FUNCTION public."Do Thing"("Arg One" int) RETURNS int LANGUAGE sql AS $$ SELECT "Arg One" + 1 $$;
