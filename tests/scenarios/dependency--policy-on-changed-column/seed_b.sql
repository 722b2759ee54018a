INSERT INTO public.doc VALUES (1, 1), (2, 2);
