INSERT INTO public.staff VALUES (1, 'x');
