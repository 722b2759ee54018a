-- hstore is installed; a column uses it with a gin index
CREATE TABLE public.p (id int PRIMARY KEY);
