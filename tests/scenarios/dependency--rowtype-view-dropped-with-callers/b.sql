-- a view, a domain over its row type and functions over both (one calling another in a BEGIN ATOMIC body) exist only in A
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL, status text NOT NULL);
