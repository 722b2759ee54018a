INSERT INTO public.t (id, c) VALUES (1, 1.000001), (2, NULL), (3, 1.000001);
