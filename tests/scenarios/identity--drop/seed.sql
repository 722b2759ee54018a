INSERT INTO public.t (id, v) VALUES (1, 'a'), (2, 'b');
