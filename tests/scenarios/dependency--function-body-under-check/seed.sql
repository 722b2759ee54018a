INSERT INTO public.line VALUES (1, 3);
