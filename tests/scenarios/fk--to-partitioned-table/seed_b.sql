INSERT INTO public.measure VALUES (1, 'eu');
INSERT INTO public.note VALUES (1, 1, 'eu');
