-- a BEGIN ATOMIC function calls a function over a new table's row type, and a kept table's CHECK uses the caller
CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric(10,2) NOT NULL);
