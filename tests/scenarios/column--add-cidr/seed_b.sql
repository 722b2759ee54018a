INSERT INTO public.t (id, c) VALUES (1, '10.0.0.0/8'), (2, NULL), (3, '10.0.0.0/8');
