-- a zero-argument aggregate, count(*)-like, gains a comment, an owner and loses EXECUTE for PUBLIC
CREATE AGGREGATE public.row_tally(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');
COMMENT ON AGGREGATE public.row_tally(*) IS 'counts rows';
ALTER AGGREGATE public.row_tally(*) OWNER TO scenario_admin;
REVOKE EXECUTE ON FUNCTION public.row_tally() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.row_tally() TO scenario_reader;
