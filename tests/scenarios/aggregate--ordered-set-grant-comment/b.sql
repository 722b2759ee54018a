-- an ordered-set aggregate f(ORDER BY int) keeps its definition while its comment, owner and grants change
CREATE AGGREGATE public.top_value(ORDER BY int) (SFUNC = int4larger, STYPE = int);
COMMENT ON AGGREGATE public.top_value(ORDER BY int) IS 'largest value in the group';
ALTER AGGREGATE public.top_value(ORDER BY int) OWNER TO scenario_admin;
REVOKE EXECUTE ON FUNCTION public.top_value(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.top_value(int) TO scenario_reader WITH GRANT OPTION;
