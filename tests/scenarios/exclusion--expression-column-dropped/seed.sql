INSERT INTO public.lease VALUES (1, 1, 'x', '2024-01-01', '2024-06-01'), (2, 1, NULL, '2024-06-01', '2024-12-01');
