-- a sequence's data type is smallint in B
CREATE SEQUENCE public.s AS smallint;
