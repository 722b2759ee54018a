INSERT INTO public.t (id, c) VALUES (1, 'abc'), (2, NULL), (3, 'abc');
