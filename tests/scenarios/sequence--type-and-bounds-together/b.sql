-- a bigint sequence with a maximum beyond integer becomes an integer sequence with a small maximum, in one change
CREATE SEQUENCE public.big_seq AS integer MINVALUE 1 MAXVALUE 1000 START 1;
CREATE TABLE public.doc (id bigint PRIMARY KEY DEFAULT nextval('public.big_seq'), body text);
