-- a SQL-standard (RETURN / BEGIN ATOMIC) function body changes
CREATE FUNCTION public.inc(x int) RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT x + 2; END;
