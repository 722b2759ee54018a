INSERT INTO public.tickets VALUES (1, 'low', 'open'), (2, 'high', 'closed');
