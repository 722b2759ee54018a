-- a descending bigint sequence vs an ascending int one
CREATE SEQUENCE public.s AS bigint INCREMENT BY -1;
