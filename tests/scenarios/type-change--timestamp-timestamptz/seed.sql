INSERT INTO public.t (id, c) VALUES (1, '2024-05-01 12:00');
