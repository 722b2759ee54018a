-- jsonb and array columns gain literal defaults
CREATE TABLE public.t (id int PRIMARY KEY, meta jsonb DEFAULT '{}'::jsonb, tags text[] DEFAULT ARRAY[]::text[]);
