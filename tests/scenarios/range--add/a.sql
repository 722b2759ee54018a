-- a user range type is added
CREATE TABLE public.keep (id int);
