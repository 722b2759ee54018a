INSERT INTO public.t (id, c) VALUES (1, 2.5), (2, NULL), (3, 2.5);
