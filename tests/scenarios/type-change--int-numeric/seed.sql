INSERT INTO public.t (id, c) VALUES (1, 10), (2, 20);
