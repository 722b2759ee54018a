INSERT INTO public.t (id, c) VALUES (1, 'fat & cat'), (2, NULL), (3, 'fat & cat');
