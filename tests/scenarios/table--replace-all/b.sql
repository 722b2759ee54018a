-- all tables differ: three tables in A, two unrelated tables in B
CREATE TABLE public.b1 (code text PRIMARY KEY);
CREATE TABLE public.b2 (id serial PRIMARY KEY, code text REFERENCES public.b1 ON DELETE CASCADE);
