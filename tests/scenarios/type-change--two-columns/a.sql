-- two columns of one table change type at once
CREATE TABLE public.t (id int PRIMARY KEY, qty smallint, price numeric(8,2));
