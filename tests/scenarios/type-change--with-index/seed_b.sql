INSERT INTO public.t (id, c) VALUES (1, 'a'), (2, 'b');
