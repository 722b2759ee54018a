-- citext is installed and a column uses it
CREATE TABLE public.u (id int PRIMARY KEY, email text);
