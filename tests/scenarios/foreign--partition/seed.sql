INSERT INTO public.measurements VALUES (1, '2024-03-01', 1.5), (2, '2024-04-01', 2.5);
