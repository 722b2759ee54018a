-- a virtual generated column (PostgreSQL 18) is added
-- requires: PostgreSQL 18
CREATE TABLE public.line (id int PRIMARY KEY, price numeric(10,2) NOT NULL, qty int NOT NULL);
