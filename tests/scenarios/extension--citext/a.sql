-- citext is installed and a column uses it
-- requires: extension citext
CREATE TABLE public.u (id int PRIMARY KEY, email text);
