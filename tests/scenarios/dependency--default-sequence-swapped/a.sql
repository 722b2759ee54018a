-- a column default switches to another sequence and the old one is dropped
CREATE SEQUENCE public.old_seq;
CREATE TABLE public.t (id bigint PRIMARY KEY DEFAULT nextval('public.old_seq'));
