INSERT INTO public.t VALUES (1, 'x', 10), (2, 'y', 20);
