-- a used sequence's whole range moves: 1..50 becomes 100..200 (the new minimum is above the old maximum)
CREATE SEQUENCE public.counter_id_seq MINVALUE 1 MAXVALUE 50;
CREATE TABLE public.counter (id int PRIMARY KEY DEFAULT nextval('public.counter_id_seq'), label text);
