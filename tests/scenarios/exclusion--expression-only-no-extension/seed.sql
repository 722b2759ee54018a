INSERT INTO public.tile VALUES (1, 0, 0, 1, 1), (2, 2, 2, 3, 3), (3, 5, 0, 6, 1);
