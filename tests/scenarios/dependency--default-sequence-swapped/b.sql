-- a column default switches to another sequence and the old one is dropped
CREATE SEQUENCE public.new_seq START 1000;
CREATE TABLE public.t (id bigint PRIMARY KEY DEFAULT nextval('public.new_seq'));
