INSERT INTO public.t (id, c) VALUES (1, '12'), (2, '-4'), (3, NULL);
