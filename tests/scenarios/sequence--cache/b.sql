-- a sequence's CACHE changes
CREATE SEQUENCE public.s CACHE 50;
