INSERT INTO public.shirt VALUES (1);
