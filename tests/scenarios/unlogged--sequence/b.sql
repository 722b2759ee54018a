-- a sequence is UNLOGGED in B
CREATE UNLOGGED SEQUENCE public.tmp_seq;
