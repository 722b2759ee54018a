INSERT INTO public.orders VALUES (1, 10);
