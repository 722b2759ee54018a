INSERT INTO public.t VALUES (1, 100), (2, 0);
