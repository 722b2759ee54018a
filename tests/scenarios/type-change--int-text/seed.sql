INSERT INTO public.t (id, c) VALUES (1, 5), (2, 6);
