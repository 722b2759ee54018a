INSERT INTO public.t (id, c) VALUES (1, '2024-01-31'), (2, NULL), (3, '2024-01-31');
