INSERT INTO public.keep VALUES (1);
