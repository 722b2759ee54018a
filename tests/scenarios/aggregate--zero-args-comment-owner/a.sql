-- a zero-argument aggregate, count(*)-like, gains a comment, an owner and loses EXECUTE for PUBLIC
CREATE AGGREGATE public.row_tally(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');
