-- an ordered-set aggregate with a direct argument, f(a ORDER BY b), is added with a comment and a grant
CREATE FUNCTION public.nth_final(state int[], n int) RETURNS int LANGUAGE sql IMMUTABLE
    AS $$ SELECT x FROM unnest(state) AS x ORDER BY x OFFSET n - 1 LIMIT 1 $$;
CREATE TABLE public.score (player text, points int);
