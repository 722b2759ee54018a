INSERT INTO public.tickets VALUES (1, 'a', 'mid'), (2, 'b', NULL);
