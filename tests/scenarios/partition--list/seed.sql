INSERT INTO public.customer VALUES (1, 'de', 'a'), (2, 'fr', 'b');
