INSERT INTO public.vehicle VALUES (1, 'bike');
