INSERT INTO public.t (id, c) VALUES (1, 1), (2, 2);
