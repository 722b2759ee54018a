INSERT INTO public.parent VALUES (1, 'p1'), (2, 'p2');
INSERT INTO public.child VALUES (10, 1), (11, 2), (12, NULL);
