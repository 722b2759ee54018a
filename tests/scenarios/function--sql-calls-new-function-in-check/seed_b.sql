INSERT INTO public.parts (id, code) VALUES (1, ' ab1 '), (2, 'x');
