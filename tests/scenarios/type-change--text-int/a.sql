-- text holding numbers becomes int (needs USING)
CREATE TABLE public.t (id int PRIMARY KEY, c text);
