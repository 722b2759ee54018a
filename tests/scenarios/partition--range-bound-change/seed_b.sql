INSERT INTO public.event VALUES (1, '2024-03-01', 'x'), (2, '2024-06-30', 'y');
