-- SELECT granted to PUBLIC
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
