-- a builtin-provider collation (not ICU) used by a column
CREATE TABLE public.t (id int PRIMARY KEY, name text);
