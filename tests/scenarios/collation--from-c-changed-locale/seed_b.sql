INSERT INTO public.t VALUES (1, 'b'), (2, 'a');
