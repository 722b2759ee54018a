INSERT INTO public.tickets VALUES (1, 'a'), (2, 'b');
