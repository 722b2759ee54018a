INSERT INTO public.stock VALUES (1, 3);
