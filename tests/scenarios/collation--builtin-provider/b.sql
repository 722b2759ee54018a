-- a builtin-provider collation (not ICU) used by a column
CREATE COLLATION public.cutf8 (provider = builtin, locale = 'C.UTF-8');
CREATE TABLE public.t (id int PRIMARY KEY, name text COLLATE public.cutf8);
