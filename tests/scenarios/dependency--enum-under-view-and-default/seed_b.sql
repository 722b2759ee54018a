INSERT INTO public.task VALUES (1, 'high'), (2, DEFAULT);
