INSERT INTO public.account VALUES (1, 'a@b', 'free');
