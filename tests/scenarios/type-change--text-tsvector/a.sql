-- text becomes tsvector
CREATE TABLE public.t (id int PRIMARY KEY, c text);
