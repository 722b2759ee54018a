INSERT INTO public.parent VALUES (1, 'eu'), (2, 'us');
INSERT INTO public.child VALUES (1, 1, 'eu'), (2, 2, 'us');
