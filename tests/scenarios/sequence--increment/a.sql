-- a sequence's INCREMENT changes
CREATE SEQUENCE public.s;
