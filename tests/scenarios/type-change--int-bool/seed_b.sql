INSERT INTO public.t (id, c) VALUES (1, false), (2, true);
