INSERT INTO public.sale VALUES (1, 5), (2, 7);
