INSERT INTO public.task VALUES (1, 't', 'open', 1);
