-- an ordered-set aggregate f(ORDER BY int) keeps its definition while its comment, owner and grants change
CREATE AGGREGATE public.top_value(ORDER BY int) (SFUNC = int4larger, STYPE = int);
COMMENT ON AGGREGATE public.top_value(ORDER BY int) IS 'largest, old';
