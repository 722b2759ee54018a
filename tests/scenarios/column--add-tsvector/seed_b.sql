INSERT INTO public.t (id, c) VALUES (1, 'a fat cat'), (2, NULL), (3, 'a fat cat');
