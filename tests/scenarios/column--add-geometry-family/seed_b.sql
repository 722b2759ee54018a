INSERT INTO public.t (id, c) VALUES (1, '((0,0),(1,1))'), (2, NULL), (3, '((0,0),(1,1))');
