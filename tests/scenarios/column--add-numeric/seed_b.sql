INSERT INTO public.t (id, c) VALUES (1, 123.45), (2, NULL), (3, 123.45);
