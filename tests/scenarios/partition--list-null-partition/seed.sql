INSERT INTO public.item VALUES (1, 'a');
