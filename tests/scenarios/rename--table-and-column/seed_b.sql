INSERT INTO public.employee VALUES (1, 'x');
