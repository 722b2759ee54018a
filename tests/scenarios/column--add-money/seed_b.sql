INSERT INTO public.t (id, c) VALUES (1, 12.34), (2, NULL), (3, 12.34);
