-- uuid becomes text
CREATE TABLE public.t (id int PRIMARY KEY, c text);
