INSERT INTO public.sales VALUES (1, 2);
