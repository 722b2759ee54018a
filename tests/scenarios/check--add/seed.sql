INSERT INTO public.t VALUES (1, 5, 10), (2, 0, 0);
