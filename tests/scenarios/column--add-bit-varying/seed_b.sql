INSERT INTO public.t (id, c) VALUES (1, B'1011'), (2, NULL), (3, B'1011');
