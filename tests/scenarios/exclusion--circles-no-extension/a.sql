-- an exclusion constraint on circles that needs no extension
CREATE TABLE public.zone (id int PRIMARY KEY, area circle);
