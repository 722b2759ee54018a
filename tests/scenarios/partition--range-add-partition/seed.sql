INSERT INTO public.event VALUES (1, '2024-03-01', 'x'), (2, '2024-12-31', 'y');
