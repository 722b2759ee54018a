INSERT INTO public.vehicle VALUES (1, 'bike'), (2, 'mini');
