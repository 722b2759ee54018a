INSERT INTO public.t (id, c) VALUES (1, 7), (2, NULL), (3, 7);
