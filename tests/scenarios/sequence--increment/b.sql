-- a sequence's INCREMENT changes
CREATE SEQUENCE public.s INCREMENT BY 10;
