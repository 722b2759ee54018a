-- a publication row filter references a column whose type changes
CREATE TABLE public.orders (id int PRIMARY KEY, status varchar(10));
CREATE PUBLICATION paid_orders FOR TABLE public.orders WHERE (status = 'paid');
