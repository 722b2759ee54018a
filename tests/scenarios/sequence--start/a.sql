-- a sequence's START changes
CREATE SEQUENCE public.s START 1;
