INSERT INTO public.t VALUES (1, 'a', NULL), (2, 'b', 1);
