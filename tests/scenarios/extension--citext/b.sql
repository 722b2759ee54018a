-- citext is installed and a column uses it
CREATE EXTENSION citext;
CREATE TABLE public.u (id int PRIMARY KEY, email citext UNIQUE);
