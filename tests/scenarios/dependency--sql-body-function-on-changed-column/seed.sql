INSERT INTO public.acct VALUES (1, 100);
