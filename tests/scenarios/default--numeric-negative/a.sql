-- a numeric default with a negative literal and a cast
CREATE TABLE public.t (id int PRIMARY KEY, amt numeric(8,2));
