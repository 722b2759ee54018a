INSERT INTO public.t VALUES (1, 'x1'), (2, 'x2');
