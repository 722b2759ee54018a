INSERT INTO public.t VALUES (1, 5), (2, NULL);
