INSERT INTO public.orders (total) VALUES (10), (20);
