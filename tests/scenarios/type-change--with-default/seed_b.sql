INSERT INTO public.t VALUES (1, '3'), (2, DEFAULT);
