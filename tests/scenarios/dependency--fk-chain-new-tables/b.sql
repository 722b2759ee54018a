-- three new tables chained by foreign keys, plus a self reference
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE TABLE public.c_line (id int PRIMARY KEY, order_id int NOT NULL, replaces int REFERENCES public.c_line);
CREATE TABLE public.b_order (id int PRIMARY KEY, customer_id int NOT NULL);
CREATE TABLE public.a_customer (id int PRIMARY KEY, keep_id int REFERENCES public.keep);
ALTER TABLE public.c_line ADD FOREIGN KEY (order_id) REFERENCES public.b_order ON DELETE CASCADE;
ALTER TABLE public.b_order ADD FOREIGN KEY (customer_id) REFERENCES public.a_customer;
