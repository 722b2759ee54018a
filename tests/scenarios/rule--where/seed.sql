INSERT INTO public.t VALUES (1, 'a'), (2, 'b');
