-- jsonb and array columns gain literal defaults
CREATE TABLE public.t (id int PRIMARY KEY, meta jsonb, tags text[]);
