INSERT INTO public.t (id, c) VALUES (1, 1.25), (2, 99.99);
