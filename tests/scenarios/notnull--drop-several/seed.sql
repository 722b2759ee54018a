INSERT INTO public.t VALUES (1, 1, 'x', NULL);
