-- a builtin-provider collation (not ICU) used by a column
-- requires: PostgreSQL 17
CREATE TABLE public.t (id int PRIMARY KEY, name text);
