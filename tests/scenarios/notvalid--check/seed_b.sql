INSERT INTO public.t VALUES (1, 1), (2, 2);
