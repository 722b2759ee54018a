INSERT INTO public.account VALUES (1, 'ann'), (2, 'bob');
