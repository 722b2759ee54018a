INSERT INTO public.product VALUES (1, 'ABC-1'), (2, 'XYZ-22');
