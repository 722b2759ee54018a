INSERT INTO public.ticket VALUES (1, 'open', 'a'), (2, 'closed', 'b');
