INSERT INTO public.parts VALUES (1, ' ab1 '), (2, 'x');
