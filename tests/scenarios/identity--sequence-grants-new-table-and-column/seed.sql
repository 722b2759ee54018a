INSERT INTO public.orders (id, total) VALUES (1, 10), (2, 20);
