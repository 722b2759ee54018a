-- two columns of one table change type at once
CREATE TABLE public.t (id int PRIMARY KEY, qty int, price numeric(12,4));
