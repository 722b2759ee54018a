INSERT INTO public.t VALUES (1, '[1.5,2.5)'), (2, 'empty');
