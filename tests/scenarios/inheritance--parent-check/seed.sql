INSERT INTO public.plane VALUES (1, 'jet', 2);
