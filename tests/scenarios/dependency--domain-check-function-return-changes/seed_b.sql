INSERT INTO public.items VALUES (1, 'ABC-1'), (2, 'XYZ-42');
