INSERT INTO public.keep (id, label) VALUES (1, 'one'), (2, 'two');
