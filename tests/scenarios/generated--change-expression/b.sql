-- a stored generated column's expression changes
CREATE TABLE public.line (id int PRIMARY KEY, price numeric(10,2) NOT NULL, qty int NOT NULL, total numeric GENERATED ALWAYS AS (price * qty * 1.2) STORED);
