INSERT INTO public.accounts VALUES (1, 1050), (2, 0);
