-- text holding JSON documents becomes jsonb
CREATE TABLE public.t (id int PRIMARY KEY, c jsonb);
