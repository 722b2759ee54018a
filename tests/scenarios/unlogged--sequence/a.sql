-- a sequence is UNLOGGED in B
CREATE SEQUENCE public.tmp_seq;
