INSERT INTO public.sale VALUES (1, 'eu', 10), (2, 'us', 5), (3, 'eu', 1);
