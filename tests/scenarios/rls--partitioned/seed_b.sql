INSERT INTO public.m VALUES (1, 1);
