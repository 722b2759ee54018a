-- a composite type is added
CREATE TABLE public.keep (id int);
