-- a bigint sequence with a maximum beyond integer becomes an integer sequence with a small maximum, in one change
CREATE SEQUENCE public.big_seq AS bigint MINVALUE 1 MAXVALUE 10000000000 START 5000000000;
CREATE TABLE public.doc (id bigint PRIMARY KEY DEFAULT nextval('public.big_seq'), body text);
