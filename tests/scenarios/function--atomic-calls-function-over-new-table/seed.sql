INSERT INTO public.orders VALUES (1, 10.00), (2, 999.99);
