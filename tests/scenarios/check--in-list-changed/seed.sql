INSERT INTO public.t VALUES (1, 'new', 'a'), (2, 'old', 'b');
