INSERT INTO public.user_ VALUES (1, 'Alice');
