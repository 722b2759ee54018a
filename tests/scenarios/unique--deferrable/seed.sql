INSERT INTO public.t VALUES (1, 'a', 1), (2, 'b', 1), (3, NULL, 2);
