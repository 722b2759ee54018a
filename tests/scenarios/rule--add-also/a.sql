-- a DO ALSO rule logs inserts
CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE TABLE public.t_log (id int, v text, at timestamptz DEFAULT now());
