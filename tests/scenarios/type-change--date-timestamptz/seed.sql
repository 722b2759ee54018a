INSERT INTO public.t (id, c) VALUES (1, '2024-01-01');
