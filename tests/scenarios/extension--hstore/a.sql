-- hstore is installed; a column uses it with a gin index
-- requires: extension hstore
CREATE TABLE public.p (id int PRIMARY KEY);
