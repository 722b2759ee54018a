INSERT INTO public.tasks VALUES (1, 'new', 'new'), (2, 'done', 'new');
