-- a zero-argument aggregate and an ordered-set one (with a comment) are dropped
CREATE AGGREGATE public.row_tally(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');
CREATE AGGREGATE public.low_value(ORDER BY int) (SFUNC = int4smaller, STYPE = int);
COMMENT ON AGGREGATE public.low_value(ORDER BY int) IS 'smallest value';
