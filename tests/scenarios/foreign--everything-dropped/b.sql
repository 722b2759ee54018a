-- A has a wrapper, servers, mappings, foreign tables and a view over one; B has none of it (nor postgres_fdw)
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
