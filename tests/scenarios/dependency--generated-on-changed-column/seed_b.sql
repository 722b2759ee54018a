INSERT INTO public.t (id, qty) VALUES (1, 4), (2, NULL);
