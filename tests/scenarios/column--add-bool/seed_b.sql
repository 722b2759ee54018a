INSERT INTO public.t (id, c) VALUES (1, true), (2, NULL), (3, true);
