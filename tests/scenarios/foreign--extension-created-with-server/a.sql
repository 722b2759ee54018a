-- postgres_fdw, a server and a foreign table read through a view appear together
-- requires: extension postgres_fdw
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
