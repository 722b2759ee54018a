-- a composite type and a domain with quoted names and attributes
CREATE TABLE public.keep (id int);
