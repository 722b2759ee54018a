INSERT INTO public.people VALUES (1, 'Curie', '1867-11-07');
