INSERT INTO public.t (id, c) VALUES (1, 'hello'), (2, NULL), (3, 'hello');
