-- a text column becomes an enum column
CREATE TYPE public.level AS ENUM ('low', 'high');
CREATE TABLE public.task (id int PRIMARY KEY, level text);
