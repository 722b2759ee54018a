INSERT INTO public.invoice VALUES (1, 10), (2, 20);
