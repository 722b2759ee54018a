INSERT INTO public.reading VALUES (1, '2024-05-05', 1.0, NULL);
