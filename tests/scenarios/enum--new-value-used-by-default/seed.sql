INSERT INTO public.tasks VALUES (1, 'new'), (2, 'done');
