INSERT INTO public.task VALUES (1, 'low'), (2, 'high'), (3, NULL);
