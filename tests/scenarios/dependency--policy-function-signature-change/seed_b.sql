INSERT INTO public.doc VALUES (1, 1);
