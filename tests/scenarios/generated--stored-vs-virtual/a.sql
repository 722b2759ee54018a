-- the same generated expression is STORED in A and VIRTUAL in B
-- requires: PostgreSQL 18
CREATE TABLE public.line (id int PRIMARY KEY, price numeric(10,2) NOT NULL, qty int NOT NULL, doubled int GENERATED ALWAYS AS (qty * 2) STORED);
