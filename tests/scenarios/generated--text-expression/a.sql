-- a generated search column built from text columns
CREATE TABLE public.person (id int PRIMARY KEY, first text, last text);
