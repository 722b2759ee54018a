INSERT INTO public.t (id, c) VALUES (1, 42), (2, NULL), (3, 42);
