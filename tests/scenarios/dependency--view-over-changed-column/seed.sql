INSERT INTO public.t VALUES (1, 10), (2, -1);
