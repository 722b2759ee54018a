-- an ordered-set aggregate with a direct argument, f(a ORDER BY b), is added with a comment and a grant
CREATE FUNCTION public.nth_final(state int[], n int) RETURNS int LANGUAGE sql IMMUTABLE
    AS $$ SELECT x FROM unnest(state) AS x ORDER BY x OFFSET n - 1 LIMIT 1 $$;
CREATE TABLE public.score (player text, points int);
CREATE AGGREGATE public.nth_smallest(int ORDER BY int) (SFUNC = array_append, STYPE = int[], INITCOND = '{}', FINALFUNC = public.nth_final);
COMMENT ON AGGREGATE public.nth_smallest(int ORDER BY int) IS 'the n-th smallest value';
ALTER AGGREGATE public.nth_smallest(int ORDER BY int) OWNER TO scenario_admin;
REVOKE ALL ON FUNCTION public.nth_smallest(int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.nth_smallest(int, int) TO scenario_writer;
CREATE VIEW public.second_best AS SELECT public.nth_smallest(2) WITHIN GROUP (ORDER BY points) AS points FROM public.score;
