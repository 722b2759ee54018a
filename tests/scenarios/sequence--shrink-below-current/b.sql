-- a sequence's maximum shrinks below the value it has already reached (and smallint widens to integer)
CREATE SEQUENCE public.order_no_seq AS integer MAXVALUE 50;
CREATE TABLE public.orders (no int PRIMARY KEY DEFAULT nextval('public.order_no_seq'), item text);
