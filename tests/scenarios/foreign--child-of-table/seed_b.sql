INSERT INTO public.events VALUES (1, '2024-01-01', 'a'), (2, '2024-02-01', 'b');
