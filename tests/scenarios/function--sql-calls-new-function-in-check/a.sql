-- a plain SQL function calls another one created after it by name; B uses the caller in a CHECK, an index and a generated column of a table with rows
CREATE TABLE public.parts (id int PRIMARY KEY, code text NOT NULL);
