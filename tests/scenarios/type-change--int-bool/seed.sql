INSERT INTO public.t (id, c) VALUES (1, 0), (2, 1);
