INSERT INTO public.t (id, c) VALUES (1, '2024-01-31 10:00+00'), (2, NULL), (3, '2024-01-31 10:00+00');
