INSERT INTO public.t (id, v) VALUES (10, 'a'), (11, 'b');
