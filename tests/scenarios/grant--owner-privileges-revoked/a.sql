-- the owner's own UPDATE and DELETE privileges are revoked in B
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
