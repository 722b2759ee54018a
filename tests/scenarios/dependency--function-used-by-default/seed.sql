INSERT INTO public.t VALUES (1, 'A1'), (2, 'A2');
