-- json becomes jsonb
CREATE TABLE public.t (id int PRIMARY KEY, c json);
