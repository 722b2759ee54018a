INSERT INTO public.orders (id, total) VALUES (1, 10), (2, 20);
INSERT INTO public.invoices (note) VALUES ('x');
