INSERT INTO public.t (id, c) VALUES (1, '(1,2)'), (2, NULL), (3, '(1,2)');
