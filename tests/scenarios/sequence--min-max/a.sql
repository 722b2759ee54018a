-- a sequence's MINVALUE/MAXVALUE change
CREATE SEQUENCE public.s;
