INSERT INTO public.t VALUES (1, 'x', 1), (2, 'y', 2);
